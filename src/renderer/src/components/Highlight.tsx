import { foldWord } from '../../../shared/fold-word';

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

/** Scripts written without spaces: a query word may sit anywhere inside a run of them. */
const UNSPACED =
  /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;
const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

/**
 * Text with the query's words marked (<mark>). Words match as search matches
 * them: folded (accents, case, ß), by their start ("key" marks "keys"), and
 * inside runs of Chinese, Japanese, Korean or Thai, where only the matching
 * characters are marked.
 */
export function Highlight(props: { text: string; query: string }): React.JSX.Element {
  const words = queryWords(props.query).map(foldWord);
  if (words.length === 0) return <>{props.text}</>;
  const inside = words.filter((w) => UNSPACED.test(w));
  const spans: Array<[number, number]> = [];
  for (const match of props.text.matchAll(TOKEN)) {
    const at = match.index ?? 0;
    const token = match[0];
    const folded = foldWord(token);
    if (words.some((w) => folded.startsWith(w))) {
      spans.push([at, at + token.length]);
      continue;
    }
    if (!UNSPACED.test(token)) continue;
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
