import { LocusError } from '../../shared/errors';
import type { RecallMemory } from '../memory/recall-memory';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import type { Db } from '../storage/sql';

/**
 * Takes the last user turn of a conversation and everything after it out of
 * its context window and returns what the user said, so it can be sent again,
 * and the ids taken back (the new attempt must not be shown the old one).
 * The earlier attempt stays in recall memory: history is never rewritten.
 * Callers make sure no turn of this agent runs meanwhile.
 */
export async function takeBackLastTurn(
  deps: { db: Db; recall: RecallMemory },
  thread: { agentId: string; conversationId: string },
): Promise<{ text: string; takenBack: string[] }> {
  const repo = createConversationsRepo(deps.db);
  const ids = await repo.getContextMessageIds(thread.conversationId);
  const byId = new Map((await deps.recall.getMany(ids)).map((m) => [m.id, m]));
  const index = ids.findLastIndex((id) => {
    const message = byId.get(id);
    return message?.role === 'user' && message.kind === 'chat';
  });
  const user = index >= 0 ? byId.get(ids[index] as string) : undefined;
  if (!user) {
    throw new LocusError(
      'INVALID_INPUT',
      'There is no message to retry in this conversation yet: send one first.',
    );
  }
  // Deleting and inserting the entries must not be seen half done.
  await deps.db.transaction((tx) =>
    createConversationsRepo(tx).setContextMessageIds(
      { id: thread.conversationId, agentId: thread.agentId },
      ids.slice(0, index),
    ),
  );
  return { text: user.content, takenBack: ids.slice(index) };
}
