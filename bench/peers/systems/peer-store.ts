/** One row every system stores: the same text and vector for all of them. */
export interface PeerRow {
  text: string;
  /** A LoCoMo conversation (searches stay inside it), or 0. */
  group: number;
  /** What scoring compares: a LoCoMo dia_id, or the row number. */
  id: string;
  vector: Float32Array;
}

export interface PeerQuery {
  text: string;
  vector: Float32Array;
  group: number;
}

/** An embedded memory store under test, opened on a folder of its own. */
export interface PeerStore {
  insert(rows: PeerRow[]): Promise<void>;
  /** Index building a system needs after loading; counted as part of the inserts. */
  finish(): Promise<void>;
  /** Ids of the best `k` rows of the query's group, best first (hybrid where the system has it). */
  search(query: PeerQuery, k: number): Promise<string[]>;
  close(): Promise<void>;
}

export interface PeerSystem {
  name: string;
  open(dir: string, vectorOf: (text: string) => Float32Array): Promise<PeerStore>;
}

/** Reciprocal rank fusion of ranked id lists (k = 60, the textbook constant). */
export function fuseRanks(lists: readonly (readonly string[])[], limit: number, k = 60): string[] {
  const scores = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, rank) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank + 1)));
  }
  return [...scores.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([id]) => id);
}

/** A question as an FTS5 / tantivy OR query of its words (punctuation would be syntax). */
export function wordsQuery(text: string): string {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  return words.map((w) => `"${w}"`).join(' OR ');
}
