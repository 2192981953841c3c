import { call } from '../core/host/call';
import type { CoreAccess } from '../core/host/connect-core';

/**
 * Tells a chat when a background consolidation pass changed the agent's
 * memory: it happens unasked, between turns, and a person should know what
 * was kept and how to take it back. Returns the function that stops it.
 */
export async function watchConsolidation(
  core: Pick<CoreAccess, 'handlers' | 'events'>,
  agentId: string,
  print: (line: string) => void,
): Promise<() => void> {
  const latest = await call(core.handlers, 'activity.list', { agentId, limit: 1 });
  let seen = latest[0]?.id ?? 0;
  let queue = Promise.resolve();
  return core.events.on('memory', (event) => {
    if (event.agentId !== agentId) return;
    queue = queue
      .then(async () => {
        const entries = await call(core.handlers, 'activity.list', { agentId, limit: 50 });
        const fresh = entries.filter((entry) => entry.id > seen).reverse();
        for (const entry of fresh) {
          seen = Math.max(seen, entry.id);
          if (entry.actor === 'consolidation' && entry.action === 'consolidate') {
            print(
              `  [memory] ${entry.summary} (see it with "locus memory activity"; undo with --undo ${entry.id})`,
            );
          }
        }
      })
      // A notice is a courtesy: a failed look-up must not disturb the chat.
      .catch(() => undefined);
  });
}
