import type { Turn } from './dataset';

/** Lower-case `\w+` words, no stemming, no stop words: the textbook baseline's tokeniser. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/\w+/g) ?? [];
}

/**
 * Textbook Okapi BM25 (k1 = 1.2, b = 0.75, Lucene's non-negative idf) over a
 * haystack's turns: the baseline a retrieval method must at least match.
 */
export function createTextbookBm25(turns: readonly Turn[], k1 = 1.2, b = 0.75) {
  const docs = turns.map((turn) => {
    const tf = new Map<string, number>();
    const list = words(turn.text);
    for (const word of list) tf.set(word, (tf.get(word) ?? 0) + 1);
    return { id: turn.id, tf, length: list.length };
  });
  const df = new Map<string, number>();
  for (const doc of docs) for (const word of doc.tf.keys()) df.set(word, (df.get(word) ?? 0) + 1);
  const n = docs.length;
  const avgdl = docs.reduce((sum, d) => sum + d.length, 0) / Math.max(1, n);
  return (query: string): string[] => {
    const terms = [...new Set(words(query))];
    const scored = docs
      .map((doc, index) => {
        let score = 0;
        for (const term of terms) {
          const f = doc.tf.get(term);
          if (!f) continue;
          const d = df.get(term) ?? 0;
          const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
          score += (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * doc.length) / avgdl));
        }
        return { id: doc.id, score, index };
      })
      .filter((d) => d.score > 0);
    scored.sort((x, y) => y.score - x.score || x.index - y.index);
    return scored.map((d) => d.id);
  };
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Exact nearest turns by cosine (the vectors are unit length): the vector-only baseline. */
export function createVectorBaseline(turns: readonly Turn[], vectors: readonly Float32Array[]) {
  return (query: Float32Array): string[] =>
    turns
      .map((turn, index) => ({
        id: turn.id,
        score: dot(query, vectors[index] as Float32Array),
        index,
      }))
      .sort((x, y) => y.score - x.score || x.index - y.index)
      .map((d) => d.id);
}
