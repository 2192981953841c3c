/** Turns texts into unit-length vectors. One instance holds its model in memory until disposed. */
export interface Embedder {
  /** Identifies the model; a change of name means stored vectors must be recomputed. */
  readonly name: string;
  readonly dimensions: number;
  /**
   * True when the vectors only hash the words (the offline fallback): two
   * texts are close because they share words, never because they mean the
   * same. Full text already ranks shared words, so search does not fuse such
   * vectors with it, and never returns a result found by them alone for a
   * query that shares no word with memory (a hash collision is not a match).
   */
  readonly lexical?: boolean;
  /** True for the word-hash fallback: hosts must not present it as an embedding model. */
  readonly basic?: boolean;
  embed(texts: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface ProgressEvent {
  /** What is slow right now. */
  phase: 'download' | 'verify' | 'load' | 'embed';
  /** The file or item being worked on, when there is one. */
  item?: string;
  done: number;
  total: number;
}

export type ProgressListener = (event: ProgressEvent) => void;

export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] as number) / norm;
  return vector;
}
