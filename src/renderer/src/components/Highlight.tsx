import { foldWord } from '../../../shared/fold-word';
import { isUnspaced, MATCH_TOKEN, tokenMatches } from '../../../shared/unspaced-script';

const STOP = new Set(
  'a an and are as at be by did do does for from had has have i in is it my of on or our the their to was we were what when where which who will with you your'.split(
    ' ',
  ),
);

/** The words of a query worth marking in results (no stop words, no one-letter words). */
export function queryWords(query: string): string[] {
  return [
    ...new Set(
      (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter(
        (w) => w.length > 1 && !STOP.has(w),
      ),
    ),
  ];
}

/**
 * Text with the query's words marked (<mark>). Words match as search matches
 * them: folded (accents, case, ß), by their start ("key" marks "keys"), and
 * inside runs of Chinese, Japanese, Korean or Thai, where only the matching
 * characters are marked.
 */
export function Highlight(props: { text: string; query: string }): React.JSX.Element {
  const words = queryWords(props.query).map(foldWord);
  if (words.length === 0) return <>{props.text}</>;
  const inside = words.filter(isUnspaced);
  const spans: Array<[number, number]> = [];
  for (const match of props.text.matchAll(MATCH_TOKEN)) {
    const at = match.index;
    const token = match[0];
    const folded = foldWord(token);
    if (!isUnspaced(token)) {
      if (words.some((w) => tokenMatches(folded, w))) spans.push([at, at + token.length]);
      continue;
    }
    // Inside a run of an unspaced script only the matching characters are marked.
    const lower = token.toLowerCase();
    for (const word of inside) {
      for (let i = lower.indexOf(word); i >= 0; i = lower.indexOf(word, i + word.length)) {
        spans.push([at + i, at + i + word.length]);
      }
    }
  }
  spans.sort((a, b) => a[0] - b[0]);
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const [start, end] of spans) {
    if (start < last) continue;
    if (start > last) parts.push(props.text.slice(last, start));
    parts.push(<mark key={start}>{props.text.slice(start, end)}</mark>);
    last = end;
  }
  if (last < props.text.length) parts.push(props.text.slice(last));
  return <>{parts}</>;
}
