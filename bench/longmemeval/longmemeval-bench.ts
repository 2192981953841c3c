import {
  runRetrieval,
  type RetrievalEmbedder,
  type RetrievalResult,
} from '../retrieval/run-retrieval';
import {
  QUESTION_TYPES,
  oracleHaystacks,
  paddedHaystacks,
  type RawLongMemEvalQuestion,
} from './longmemeval-data';

export const LONGMEMEVAL_KS = [1, 5, 10, 25] as const;

export interface LongMemEvalOptions {
  questions: RawLongMemEvalQuestion[];
  embedders: RetrievalEmbedder[];
  /** Sessions per padded haystack; defaults to 40 (LongMemEval's S setting has ~50). */
  paddedSessions?: number;
  /** See RetrievalRun.reuseDir. */
  reuseDir?: string;
  log?: (line: string) => void;
}

export interface LongMemEvalResult {
  /** Questions in the file, and those scored (with at least one evidence turn). */
  questions: number;
  oracle: RetrievalResult;
  /** Absent when the run asked for the oracle form only (paddedSessions 0). */
  padded?: RetrievalResult & { sessions: number };
}

/**
 * Turn-level evidence recall on the LongMemEval dev split, in two forms:
 * each question's own sessions (a new user's small memory) and padded with
 * seeded distractor sessions from other questions.
 */
export async function runLongMemEvalBench(options: LongMemEvalOptions): Promise<LongMemEvalResult> {
  const log = options.log ?? (() => undefined);
  const sessions = options.paddedSessions ?? 40;
  const scored = (h: { queries: unknown[] }) => h.queries.length > 0;
  const common = {
    embedders: options.embedders,
    ks: LONGMEMEVAL_KS,
    kinds: QUESTION_TYPES,
    ...(options.reuseDir ? { reuseDir: options.reuseDir } : {}),
  };
  const oracle = await runRetrieval({
    ...common,
    haystacks: oracleHaystacks(options.questions).filter(scored),
    name: 'longmemeval-oracle',
    log: (line) => log(`LongMemEval oracle ${line}`),
  });
  if (sessions <= 0) return { questions: options.questions.length, oracle };
  const padded = await runRetrieval({
    ...common,
    haystacks: paddedHaystacks(options.questions, sessions).filter(scored),
    // ~460 turns each: 40 agents per database keeps a run's memory bounded.
    perDatabase: 40,
    name: 'longmemeval-padded',
    log: (line) => log(`LongMemEval padded ${line}`),
  });
  return { questions: options.questions.length, oracle, padded: { ...padded, sessions } };
}
