import type { Conversation } from '../../../shared/entities';
import type { Sql } from '../sql';
import { rewritesSql } from './message-rewrites';
import { iso } from './rows';

interface RawConversation {
  id: string;
  agent_id: string;
  name: string;
  created_at: Date;
  updated_at: Date;
  last_message_at: Date | null;
  remember: boolean;
}

/**
 * Messages of an agent's first conversation from before conversations existed
 * keep conversation_id NULL; that conversation's id is the agent's (see the
 * conversations migration). Every query about a message's conversation uses
 * this expression, which messages_conversation_seq indexes.
 */
export const MESSAGE_CONVERSATION = (alias: string) =>
  `coalesce(${alias}.conversation_id, ${alias}.agent_id)`;

// Newest message first through messages_conversation_seq: one index probe each.
const COLUMNS = `c.id, c.agent_id, c.name, c.created_at, c.updated_at, c.remember,
  (SELECT m.created_at FROM messages m WHERE ${MESSAGE_CONVERSATION('m')} = c.id
   ORDER BY m.seq DESC LIMIT 1) AS last_message_at`;

function toConversation(row: RawConversation): Conversation {
  return {
    id: row.id,
    agentId: row.agent_id,
    name: row.name,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastMessageAt: row.last_message_at ? iso(row.last_message_at) : null,
    remember: row.remember,
  };
}

export function createConversationsRepo(sql: Sql) {
  return {
    async insert(conversation: Omit<Conversation, 'lastMessageAt' | 'remember'>): Promise<void> {
      await sql.query(
        `INSERT INTO conversations (id, agent_id, name, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [
          conversation.id,
          conversation.agentId,
          conversation.name,
          conversation.createdAt,
          conversation.updatedAt,
        ],
      );
    },
    async get(id: string): Promise<Conversation | undefined> {
      const result = await sql.query<RawConversation>(
        `SELECT ${COLUMNS} FROM conversations c WHERE c.id = $1`,
        [id],
      );
      return result.rows[0] ? toConversation(result.rows[0]) : undefined;
    },
    /** Most recently active first: the newest message, or creation for one without messages. */
    async listByAgent(agentId: string): Promise<Conversation[]> {
      const result = await sql.query<RawConversation>(
        `SELECT * FROM (SELECT ${COLUMNS} FROM conversations c WHERE c.agent_id = $1) listed
         ORDER BY greatest(last_message_at, created_at) DESC, id`,
        [agentId],
      );
      return result.rows.map(toConversation);
    },
    async count(agentId: string): Promise<number> {
      const result = await sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM conversations WHERE agent_id = $1',
        [agentId],
      );
      return result.rows[0]?.n ?? 0;
    },
    async rename(id: string, name: string, updatedAt: string): Promise<boolean> {
      const result = await sql.query(
        'UPDATE conversations SET name = $2, updated_at = $3 WHERE id = $1',
        [id, name, updatedAt],
      );
      return (result.affectedRows ?? 0) > 0;
    },
    /** The agent's conversations the user asked not to remember. */
    async notRemembered(agentId: string): Promise<string[]> {
      const result = await sql.query<{ id: string }>(
        'SELECT id FROM conversations WHERE agent_id = $1 AND NOT remember',
        [agentId],
      );
      return result.rows.map((row) => row.id);
    },
    /** "Don't remember" on or off; when off, the vectors of what was said in it are dropped. */
    async setRemember(id: string, remember: boolean, updatedAt: string): Promise<void> {
      await sql.query('UPDATE conversations SET remember = $2, updated_at = $3 WHERE id = $1', [
        id,
        remember,
        updatedAt,
      ]);
      if (!remember) {
        await sql.query(
          `UPDATE messages m SET embedding = NULL
           WHERE ${MESSAGE_CONVERSATION('m')} = $1 AND m.embedding IS NOT NULL`,
          [id],
        );
      }
    },
    /**
     * Removes the conversation and every message said in it (they leave
     * recall memory); callers run it in a transaction. Messages from before
     * conversations existed name none, hence the explicit delete.
     */
    async delete(id: string): Promise<{ agentId: string; messageIds: string[] } | null> {
      const messages = await sql.query<{ id: string }>(
        `DELETE FROM messages m WHERE ${MESSAGE_CONVERSATION('m')} = $1
           AND m.agent_id = (SELECT agent_id FROM conversations WHERE id = $1)
         RETURNING m.id`,
        [id],
      );
      const result = await sql.query<{ agent_id: string }>(
        'DELETE FROM conversations WHERE id = $1 RETURNING agent_id',
        [id],
      );
      const row = result.rows[0];
      return row ? { agentId: row.agent_id, messageIds: messages.rows.map((m) => m.id) } : null;
    },
    /** Which messages are in the conversation's context window, oldest first. */
    async getContextMessageIds(id: string): Promise<string[]> {
      const result = await sql.query<{ message_id: string }>(
        'SELECT message_id FROM context_entries WHERE conversation_id = $1 ORDER BY position',
        [id],
      );
      return result.rows.map((row) => row.message_id);
    },
    /**
     * The context's message ids, oldest first, with the agent's rewrite
     * count read in the same statement (see message-rewrites.ts).
     */
    async getContext(agentId: string, id: string): Promise<{ ids: string[]; rewrites: number }> {
      const result = await sql.query<{ ids: string[] | null; rewrites: number }>(
        `SELECT ARRAY(SELECT message_id FROM context_entries
                      WHERE conversation_id = $2 AND agent_id = $1 ORDER BY position) AS ids,
                ${rewritesSql('$1')} AS rewrites`,
        [agentId, id],
      );
      const row = result.rows[0];
      return { ids: row?.ids ?? [], rewrites: row?.rewrites ?? 0 };
    },
    /**
     * Replaces the whole context (after a summary, or on import). Two
     * statements (a CTE's delete and the insert would race on the same keys),
     * so callers run it inside their transaction.
     */
    async setContextMessageIds(
      conversation: { id: string; agentId: string },
      ids: string[],
    ): Promise<void> {
      await sql.query('DELETE FROM context_entries WHERE conversation_id = $1', [conversation.id]);
      await sql.query(
        `INSERT INTO context_entries (agent_id, conversation_id, position, message_id)
         SELECT $1, $2, e.position, e.message_id
         FROM unnest($3::text[]) WITH ORDINALITY AS e(message_id, position)`,
        [conversation.agentId, conversation.id, ids],
      );
    },
  };
}
export type ConversationsRepo = ReturnType<typeof createConversationsRepo>;
