import type { Embedder } from '../models/embedder';
import type { AnchorCache } from './anchor-cache';
import type { VectorCalibration } from '../storage/repos/fusion-sql';
import { UNRELATED_TEXTS } from './unrelated-texts';

/**
 * A spread below this is taken as this: an embedder whose unrelated
 * sentences all score alike (or a query scoring 0 against all of them, as
 * a hashed nonsense word does) would otherwise turn any similarity into a
 * huge deviation.
 */
const MIN_SPREAD = 0.05;

/**
 * How many standard deviations above unrelated text a result found by
 * meaning alone must stand when no word of the query occurs in the memory
 * searched. On LoCoMo and LongMemEval (USE lite), nonsense queries ("xyzzy",
 * "qwertyuiop", "blorft snarfle") reached at most 6.8 against memories of up
 * to ~600 turns, while evidence sharing no word with its question reached at
 * most 5.2: such a query returns only near paraphrases.
 */
const STRICT_DEVIATIONS = 10;

/**
 * Reads a query vector's similarities against what the same embedder gives
 * unrelated text: the query is compared with a fixed set of everyday
 * sentences (embedded once, on the first search), whose similarities' mean
 * and spread are the null a real match must stand out from. This works for
 * any embedder without knowing its scale: unrelated sentences sit near 0.1
 * for one model and near 0.7 for another.
 */
/** Scales a median absolute deviation to a standard deviation (normal data). */
const MAD_TO_SD = 1.4826;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function createRelevance(embedder: Embedder, options: { cache?: AnchorCache } = {}) {
  let anchors: Promise<Float32Array[]> | null = null;
  const embedAnchors = async (): Promise<Float32Array[]> => {
    const cached = options.cache?.read();
    if (cached) return cached;
    const vectors = await embedder.embed([...UNRELATED_TEXTS]);
    options.cache?.write(vectors);
    return vectors;
  };

  return {
    /** The calibration of one query vector (see VectorCalibration). */
    async calibrate(vector: Float32Array): Promise<VectorCalibration> {
      // Hashed words have no meaning to calibrate: nothing is found by them alone.
      if (embedder.lexical) return { mean: 0, spread: MIN_SPREAD, strictSimilarity: null };
      anchors ??= embedAnchors().catch((error: unknown) => {
        anchors = null; // try again on the next search
        throw error;
      });
      const sims = (await anchors).map((anchor) => {
        let dot = 0;
        for (let i = 0; i < anchor.length; i++)
          dot += (anchor[i] as number) * (vector[i] as number);
        return dot;
      });
      // Median and median absolute deviation: one reference sentence that
      // happens to be on the query's subject must not move the null.
      const mean = median(sims);
      const spread = Math.max(MIN_SPREAD, MAD_TO_SD * median(sims.map((s) => Math.abs(s - mean))));
      return { mean, spread, strictSimilarity: mean + STRICT_DEVIATIONS * spread };
    },
  };
}
export type Relevance = ReturnType<typeof createRelevance>;
