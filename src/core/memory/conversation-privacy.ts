import type { Conversation, MemoryActor } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import { NOT_REMEMBERED_QUOTE } from '../../shared/search-quotes';
import type { Clock } from '../clock';
import { createActivityRepo } from '../storage/repos/activity-repo';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import { createForgetRepo } from '../storage/repos/forget-repo';
import type { Db, Sql } from '../storage/sql';
import { withoutSurfaced } from './forget';
import { unquoteResults } from './quoted-results';

/**
 * Takes a conversation's messages out of the agent's other conversations'
 * surfaced blocks and search tools' results; returns how many quotes went.
 */
async function unquote(sql: Sql, agentId: string, conversationId: string): Promise<number> {
  const repo = createForgetRepo(sql);
  const blocks = await repo.surfacedFrom(agentId, conversationId);
  const results = await repo.resultsQuotingConversation(agentId, conversationId);
  return (
    (await withoutSurfaced(repo, agentId, blocks, new Set(blocks.flatMap((b) => b.quoted)))) +
    (await unquoteResults(
      repo,
      results,
      new Set(results.flatMap((r) => r.quoted)),
      NOT_REMEMBERED_QUOTE,
    ))
  );
}

/** The feed's words for "don't remember": never the quotes' text, only how many went. */
function stoppedSummary(name: string, quotes: number): string {
  const stopped = `Stopped remembering conversation "${name}": nothing from it goes into memory`;
  if (quotes === 0) return stopped;
  const what = quotes === 1 ? 'a quote of it was' : `${quotes} quotes of it were`;
  return `${stopped}; ${what} taken out of other conversations (remembering it again does not bring them back)`;
}

/**
 * "Don't remember" for one conversation: its messages stay as history (the
 * conversation still shows and continues them) but nothing from it reaches
 * memory: it is not consolidated, its messages lose their vectors and are
 * left out of searches made for the model, and the agent's memory tools
 * save nothing while it talks there. What other conversations were already
 * given from it (quotes in their surfaced blocks, and items of the search
 * tools' results there) is taken out: those stay in their context windows,
 * and the model read them on every step.
 * Turning it back on makes the messages ordinary memory again:
 * consolidation and embedding pick them up from where they stopped; the
 * quotes taken out stay out (they were copies, and the messages they quoted
 * can be surfaced again from now on).
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
      const quotes = remember ? 0 : await unquote(tx, conversation.agentId, conversationId);
      await createActivityRepo(tx).insert({
        agentId: conversation.agentId,
        at,
        actor,
        action: remember ? 'conversation.remember' : 'conversation.dont_remember',
        target: { kind: 'conversation', id: conversationId, label: null },
        summary: remember
          ? `Remembering conversation "${conversation.name}" again`
          : stoppedSummary(conversation.name, quotes),
      });
      return (await repo.get(conversationId)) as Conversation;
    });
  };
}
export type ConversationPrivacy = ReturnType<typeof createConversationPrivacy>;
