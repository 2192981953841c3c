import type { Query } from './dataset';

export type RecallAtK = Record<string, number>;

/** Share of the question's evidence turns found among the first k retrieved turn ids. */
export function evidenceRecall(
  evidence: readonly string[],
  retrieved: readonly string[],
  k: number,
): number {
  if (evidence.length === 0) throw new Error('A question without evidence cannot be scored.');
  const top = new Set(retrieved.slice(0, k));
  return evidence.filter((id) => top.has(id)).length / evidence.length;
}

export interface Retrieved {
  /** Index of the haystack in the run. */
  haystack: number;
  query: Query;
  /** Turn ids, best first. */
  retrieved: readonly string[];
}

export interface MethodScore {
  method: string;
  questions: number;
  /** `r@<k>` per k, a percentage with one decimal. */
  overall: RecallAtK;
  /**
   * Overall recall on the first and on the second half of the haystacks:
   * settings tuned on a set without a held-out split should hold on both.
   */
  halves?: [RecallAtK, RecallAtK];
  byKind: Record<string, RecallAtK & { questions: number }>;
}

/** Averages per-question recall@k for each k, overall and per kind of question. */
export function average(items: readonly Retrieved[], ks: readonly number[]): RecallAtK {
  const out: RecallAtK = {};
  for (const k of ks) {
    const sum = items.reduce((acc, r) => acc + evidenceRecall(r.query.evidence, r.retrieved, k), 0);
    out[`r@${k}`] = items.length === 0 ? Number.NaN : Math.round((1000 * sum) / items.length) / 10;
  }
  return out;
}

export function scoreMethod(
  method: string,
  results: readonly Retrieved[],
  options: { ks: readonly number[]; kinds: readonly string[]; haystacks: number },
): MethodScore {
  const { ks } = options;
  const byKind: MethodScore['byKind'] = {};
  for (const kind of options.kinds) {
    const items = results.filter((r) => r.query.kind === kind);
    if (items.length > 0) byKind[kind] = { ...average(items, ks), questions: items.length };
  }
  const half = Math.ceil(options.haystacks / 2);
  return {
    method,
    questions: results.length,
    overall: average(results, ks),
    ...(options.haystacks > 1
      ? {
          halves: [
            average(
              results.filter((r) => r.haystack < half),
              ks,
            ),
            average(
              results.filter((r) => r.haystack >= half),
              ks,
            ),
          ],
        }
      : {}),
    byKind,
  };
}
