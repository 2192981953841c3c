import type { Core } from '../../src/core/create-core';
import type { SearchMode } from '../../src/core/storage/repos/passages-repo';
import { createVectorsRepo } from '../../src/core/storage/repos/vectors-repo';
import type { Haystack, Query } from './dataset';

export interface Ingested {
  haystack: Haystack;
  agentId: string;
  /** recall message id -> turn id */
  messageTurns: Map<string, string>;
}

/**
 * Stores each haystack as one agent's memory: every turn as a recall message
 * (user or assistant) and as an archival passage whose source ref is the turn
 * id, dated when it was said. Messages are then embedded as the background
 * indexer does after each turn; the passages' vector index is built once at
 * the end, as after an import, instead of row by row.
 */
export async function ingest(
  core: Core,
  haystacks: readonly Haystack[],
  log: (line: string) => void = () => undefined,
): Promise<Ingested[]> {
  await createVectorsRepo(core.database.pg, 'passages').dropVectorIndex();
  const out: Ingested[] = [];
  for (const haystack of haystacks) {
    const agent = await core.agents.create({ name: `bench-${haystack.id}` });
    const messageTurns = new Map<string, string>();
    // One write per 200 turns: per-message round trips dominated ingestion.
    for (let at = 0; at < haystack.turns.length; at += 200) {
      const turns = haystack.turns.slice(at, at + 200);
      const messages = await core.recall.appendMany(
        agent.id,
        turns.map((t) => ({ role: t.role, content: t.text, createdAt: t.at })),
      );
      messages.forEach((m, i) =>
        messageTurns.set(m.id, (turns[i] as Haystack['turns'][number]).id),
      );
      await core.archival.insertMany(
        agent.id,
        turns.map((t) => ({
          text: t.text,
          source: { kind: 'message', ref: t.id },
          createdAt: t.at,
        })),
      );
    }
    out.push({ haystack, agentId: agent.id, messageTurns });
    if (out.length % 50 === 0) log(`stored ${out.length} of ${haystacks.length} haystacks`);
  }
  await core.indexer.drain();
  // Builds the passages' vector index (nothing is pending) and refreshes statistics.
  await core.archival.reembed();
  await core.database.pg.exec('ANALYZE passages; ANALYZE messages');
  return out;
}

export type LocusMethod = (
  core: Core,
  data: Ingested,
  query: Query,
  top: number,
) => Promise<string[]>;

export function archivalMethod(mode: SearchMode): LocusMethod {
  return async (core, data, query, top) => {
    // As the agent's tool and the person search (commonWordTail).
    const page = await core.archival.search(data.agentId, {
      query: query.text,
      limit: top,
      mode,
      commonWords: true,
    });
    return page.items.map((p) => p.source.ref ?? '');
  };
}

export function recallMethod(mode: SearchMode): LocusMethod {
  return async (core, data, query, top) => {
    const page = await core.recall.search(data.agentId, {
      query: query.text,
      limit: top,
      mode,
      commonWords: true,
    });
    return page.items.map((m) => data.messageTurns.get(m.id) ?? '');
  };
}
