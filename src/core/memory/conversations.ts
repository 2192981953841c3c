import type { Conversation } from '../../shared/entities';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { newId } from '../ids';
import { DELETED_QUOTE } from '../../shared/search-quotes';
import { forgetSurfaced } from './forget';
import { forgetQuoted } from './quoted-results';
import { createConversationsRepo } from '../storage/repos/conversations-repo';
import { createForgetRepo } from '../storage/repos/forget-repo';
import type { Db, Sql } from '../storage/sql';

export interface ConversationsOptions {
  db: Db;
  clock: Clock;
}

function notFound(id: string): LocusError {
  return new LocusError(
    'CONVERSATION_NOT_FOUND',
    `No conversation has id "${id}"; it may have been deleted. List the agent's conversations to pick another.`,
    { id },
  );
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) {
    throw new LocusError('INVALID_INPUT', 'A conversation needs a name.', { field: 'name' });
  }
  return trimmed;
}

/**
 * An agent's conversations: each a context window of its own over the
 * agent's shared memory. A call that names none goes to the most recently
 * active one, and an agent without any gets one.
 */
export function createConversations(options: ConversationsOptions) {
  const { db, clock } = options;
  const repo = createConversationsRepo(db);

  async function create(agentId: string, name?: string, sql: Sql = db): Promise<Conversation> {
    const tx = createConversationsRepo(sql);
    const at = clock.now().toISOString();
    const conversation = {
      id: newId('conversation'),
      agentId,
      name: name === undefined ? `Conversation ${(await tx.count(agentId)) + 1}` : cleanName(name),
      createdAt: at,
      updatedAt: at,
    };
    await tx.insert(conversation);
    return { ...conversation, lastMessageAt: null, remember: true };
  }

  async function get(id: string): Promise<Conversation> {
    const conversation = await repo.get(id);
    if (!conversation) throw notFound(id);
    return conversation;
  }

  return {
    create,
    get,
    list(agentId: string): Promise<Conversation[]> {
      return repo.listByAgent(agentId);
    },
    async rename(id: string, name: string): Promise<Conversation> {
      if (!(await repo.rename(id, cleanName(name), clock.now().toISOString()))) throw notFound(id);
      return get(id);
    },
    /**
     * The conversation and what was said in it, also where memory surfacing
     * quoted it to another conversation's turns or the agent's searches
     * there found it; the agent's other memory stays.
     */
    async remove(id: string): Promise<void> {
      const deleted = await db.transaction(async (tx) => {
        const gone = await createConversationsRepo(tx).delete(id);
        if (gone) {
          const forgetRepo = createForgetRepo(tx);
          const said = new Set(gone.messageIds);
          await forgetSurfaced(forgetRepo, gone.agentId, said);
          await forgetQuoted(forgetRepo, gone.agentId, said, DELETED_QUOTE);
        }
        return gone;
      });
      if (!deleted) throw notFound(id);
    },
    /**
     * The conversation a call is about: the one named (which must be the
     * agent's), else the most recently active, else a new one. `sql` is the
     * caller's transaction, if it has one.
     */
    async resolve(agentId: string, conversationId?: string, sql: Sql = db): Promise<Conversation> {
      // Inside a caller's transaction everything must go through it: PGlite
      // has one connection, and a query beside an open transaction waits for
      // it to end, forever.
      const tx = createConversationsRepo(sql);
      if (conversationId !== undefined) {
        const conversation = await tx.get(conversationId);
        if (!conversation || conversation.agentId !== agentId) throw notFound(conversationId);
        return conversation;
      }
      const [latest] = await tx.listByAgent(agentId);
      return latest ?? create(agentId, undefined, sql);
    },
    getContextMessageIds(id: string): Promise<string[]> {
      return repo.getContextMessageIds(id);
    },
    /** The context's ids with the agent's rewrite count, read together (agent/context-cache.ts). */
    getContext(agentId: string, id: string): Promise<{ ids: string[]; rewrites: number }> {
      return repo.getContext(agentId, id);
    },
  };
}
export type Conversations = ReturnType<typeof createConversations>;
