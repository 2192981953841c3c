import type { Conversation, MemoryActor } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { createActivityRepo } from '../storage/repos/activity-repo';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import type { Db } from '../storage/sql';

/**
 * "Don't remember" for one conversation: its messages stay as history (the
 * conversation still shows and continues them) but nothing from it reaches
 * memory: it is not consolidated, its messages lose their vectors and are
 * left out of searches made for the model, and the agent's memory tools
 * save nothing while it talks there. Turning it back on makes the messages
 * ordinary memory again: consolidation and embedding pick them up from
 * where they stopped.
 */
export function createConversationPrivacy(options: { db: Db; clock: Clock }) {
  const { db, clock } = options;
  return async function setRemember(
    conversationId: string,
    remember: boolean,
    actor: MemoryActor = 'user',
  ): Promise<Conversation> {
    return db.transaction(async (tx) => {
      const repo = createConversationsRepo(tx);
      const conversation = await repo.get(conversationId);
      if (!conversation) {
        throw new LocusError(
          'CONVERSATION_NOT_FOUND',
          `No conversation has id "${conversationId}"; it may have been deleted.`,
          { id: conversationId },
        );
      }
      if (conversation.remember === remember) return conversation;
      const at = clock.now().toISOString();
      await repo.setRemember(conversationId, remember, at);
      await createActivityRepo(tx).insert({
        agentId: conversation.agentId,
        at,
        actor,
        action: remember ? 'conversation.remember' : 'conversation.dont_remember',
        target: { kind: 'conversation', id: conversationId, label: null },
        summary: remember
          ? `Remembering conversation "${conversation.name}" again`
          : `Stopped remembering conversation "${conversation.name}": nothing from it goes into memory`,
      });
      return (await repo.get(conversationId)) as Conversation;
    });
  };
}
export type ConversationPrivacy = ReturnType<typeof createConversationPrivacy>;
