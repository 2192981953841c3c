import type { LocusClient } from './client';

/**
 * Calls `reload` when another Locus process sharing the memory server
 * changed one of `tables` for `agentId` (or may have: `*` after the
 * connection was lost). Returns the unsubscribe function.
 */
export function onMemoryChange(
  client: LocusClient,
  agentId: string,
  tables: readonly string[],
  reload: () => void,
): () => void {
  return client.on('memory.changed', ({ changes }) => {
    const relevant = changes.some(
      (c) => c.table === '*' || (tables.includes(c.table) && (c.agentId === agentId || !c.agentId)),
    );
    if (relevant) reload();
  });
}
