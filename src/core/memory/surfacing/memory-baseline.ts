import type { ArchivalMemory } from '../archival-memory';
import type { RecallMemory } from '../recall-memory';
import { median } from '../relevance';
import { UNRELATED_TEXTS } from '../unrelated-texts';

/**
 * Measured again once the memory has grown (or shrunk) by this share since
 * it was last measured: scores drift with a memory's size and subjects, but
 * slowly, and measuring costs a search per reference sentence and tier.
 */
const REMEASURE_SHARE = 0.25;

/** ... or by at least this many items, so a new user's first turns do not each measure it. */
const REMEASURE_ITEMS = 8;

/**
 * What one agent's memory returns for questions it cannot answer: the
 * median, over everyday sentences on unrelated subjects (the same ones
 * relevance.ts reads vectors against), of the best score search gives each
 * in this memory. A memory of casual chat shares words and tone with any
 * casual question, so its unrelated questions score high (about 0.3-0.5 on
 * LoCoMo's conversations); a new user's few notes give them about nothing.
 * Surfacing reads its scores against this instead of one absolute number,
 * which would either flood a large memory with noise or silence a small
 * one, and whatever scale search's scores have, the baseline has it too.
 *
 * Kept per agent in memory (this process), measured on first use and again
 * when the memory's size has changed enough.
 */
export function createMemoryBaseline(options: { archival: ArchivalMemory; recall: RecallMemory }) {
  const { archival, recall } = options;
  const measured = new Map<string, { size: number; score: Promise<number> }>();

  async function sizeOf(agentId: string): Promise<number> {
    const [messages, passages] = await Promise.all([
      recall.count(agentId),
      archival.count(agentId),
    ]);
    return messages + passages.total;
  }

  async function measure(agentId: string): Promise<number> {
    const best: number[] = [];
    for (const text of UNRELATED_TEXTS) {
      const [messages, passages] = await Promise.all([
        recall.search(agentId, { query: text, roles: ['user', 'assistant'], limit: 1 }),
        archival.search(agentId, { query: text, limit: 1 }),
      ]);
      best.push(Math.max(0, messages.items[0]?.score ?? 0, passages.items[0]?.score ?? 0));
    }
    return median(best);
  }

  return {
    /** The agent's baseline score (0 for an empty memory). */
    async of(agentId: string): Promise<number> {
      const size = await sizeOf(agentId);
      const known = measured.get(agentId);
      const drift = known ? Math.abs(size - known.size) : Infinity;
      if (known && drift < Math.max(REMEASURE_ITEMS, REMEASURE_SHARE * known.size)) {
        return known.score;
      }
      const score = measure(agentId);
      measured.set(agentId, { size, score });
      // A failed measure is tried again on the next turn.
      score.catch(() => {
        if (measured.get(agentId)?.score === score) measured.delete(agentId);
      });
      return score;
    },
  };
}
export type MemoryBaseline = ReturnType<typeof createMemoryBaseline>;
