import { CATEGORY_NAMES, type Question } from './locomo-data';

export const KS = [5, 10, 25, 50] as const;
export type RecallAtK = Record<`r@${(typeof KS)[number]}`, number>;

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

export interface MethodScore {
  method: string;
  questions: number;
  overall: RecallAtK;
  /**
   * Overall recall on the first and on the second half of the conversations
   * (LoCoMo has no held-out split; settings tuned on it should hold on both).
   */
  halves?: [RecallAtK, RecallAtK];
  byCategory: Record<string, RecallAtK & { questions: number }>;
}

/** Averages per-question recall@k, overall and per LoCoMo category. */
export function scoreMethod(
  method: string,
  results: ReadonlyArray<{ question: Question; retrieved: readonly string[] }>,
): MethodScore {
  const average = (items: typeof results): RecallAtK => {
    const out = {} as RecallAtK;
    for (const k of KS) {
      const sum = items.reduce(
        (acc, r) => acc + evidenceRecall(r.question.evidence, r.retrieved, k),
        0,
      );
      out[`r@${k}`] =
        items.length === 0 ? Number.NaN : Math.round((1000 * sum) / items.length) / 10;
    }
    return out;
  };
  const byCategory: MethodScore['byCategory'] = {};
  for (const [category, name] of Object.entries(CATEGORY_NAMES)) {
    const items = results.filter((r) => r.question.category === Number(category));
    if (items.length > 0) byCategory[name] = { ...average(items), questions: items.length };
  }
  return { method, questions: results.length, overall: average(results), byCategory };
}
