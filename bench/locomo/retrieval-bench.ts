import {
  runRetrieval,
  type RetrievalEmbedder,
  type RetrievalResult,
} from '../retrieval/run-retrieval';
import { CATEGORY_NAMES, toHaystack, type Conversation } from './locomo-data';

export const LOCOMO_KS = [1, 5, 10, 25, 50] as const;

export interface LocomoOptions {
  conversations: Conversation[];
  embedders: RetrievalEmbedder[];
  /** See RetrievalRun.reuseDir. */
  reuseDir?: string;
  log?: (line: string) => void;
}

export interface LocomoResult extends RetrievalResult {
  droppedEvidence: number;
}

/**
 * Evidence recall on LoCoMo (categories 1-4): each conversation is one
 * agent's memory, every question is asked of it by every method.
 */
export async function runLocomoBench(options: LocomoOptions): Promise<LocomoResult> {
  const log = options.log ?? (() => undefined);
  const result = await runRetrieval({
    haystacks: options.conversations.map(toHaystack),
    embedders: options.embedders,
    ks: LOCOMO_KS,
    kinds: Object.values(CATEGORY_NAMES),
    name: 'locomo',
    ...(options.reuseDir ? { reuseDir: options.reuseDir } : {}),
    log: (line) => log(`LoCoMo ${line}`),
  });
  return {
    ...result,
    droppedEvidence: options.conversations.reduce((n, c) => n + c.droppedEvidence, 0),
  };
}

/** Published evidence recall on categories 1-4 (see docs/benchmarks.md for the sources). */
export const PUBLISHED_BASELINES: Array<{ method: string; overall: Record<string, number> }> = [
  {
    method: 'BM25 over turns (published)',
    overall: { 'r@5': 50.1, 'r@10': 56.8, 'r@25': 65.1, 'r@50': 69.8 },
  },
  {
    method: 'LoCoMo dialog retriever (published)',
    overall: { 'r@5': 58.8, 'r@10': 67.5, 'r@25': 79.9, 'r@50': 84.8 },
  },
];
