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

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text with the query's words marked (<mark>), matching word starts so "key" marks "keys". */
export function Highlight(props: { text: string; query: string }): React.JSX.Element {
  const words = queryWords(props.query);
  if (words.length === 0) return <>{props.text}</>;
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{N}])(${words.map(escape).join('|')})[\\p{L}\\p{N}]*`,
    'giu',
  );
  const parts: React.ReactNode[] = [];
  let last = 0;
  for (const match of props.text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(props.text.slice(last, at));
    parts.push(<mark key={at}>{match[0]}</mark>);
    last = at + match[0].length;
  }
  if (last < props.text.length) parts.push(props.text.slice(last));
  return <>{parts}</>;
}
