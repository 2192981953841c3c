import type { MessageRole } from '../../../shared/entities';
import type { Sql } from '../sql';
import { MESSAGE_CONVERSATION } from './conversations-repo';
import { iso } from './rows';

/** A message as consolidation reads it: what was said, by whom, when. */
export interface SaidMessage {
  id: string;
  seq: number;
  role: MessageRole;
  text: string;
  createdAt: string;
}

/**
 * What consolidation reads: what the user said and what the agent replied
 * (not tool calls, results, summaries or events: the agent's own memory
 * edits are already in memory).
 */
const SAID = `m.kind = 'chat' AND (m.role = 'user' OR (m.role = 'assistant' AND m.reply IS NOT NULL))
  AND coalesce(m.reply, m.content) <> ''`;

/** Messages of conversation `c` after its cursor `k` (both aliases in scope). */
const WAITING = `m.agent_id = c.agent_id AND ${MESSAGE_CONVERSATION('m')} = c.id
  AND m.seq > coalesce(k.last_seq, 0) AND ${SAID}`;

/**
 * Consolidation progress: per conversation, the last message seq whose facts
 * are applied. Only conversations the user lets Locus remember are read.
 */
export function createConsolidationRepo(sql: Sql) {
  return {
    /** The remembered conversation whose oldest waiting message is oldest, with its cursor. */
    async next(agentId: string): Promise<{ conversationId: string; cursor: number } | undefined> {
      const result = await sql.query<{ id: string; cursor: string | number }>(
        `SELECT c.id, coalesce(k.last_seq, 0) AS cursor, first.seq
         FROM conversations c
           LEFT JOIN consolidation_cursors k ON k.conversation_id = c.id
           CROSS JOIN LATERAL (SELECT m.seq FROM messages m WHERE ${WAITING}
                               ORDER BY m.seq LIMIT 1) first
         WHERE c.agent_id = $1 AND c.remember
         ORDER BY first.seq LIMIT 1`,
        [agentId],
      );
      const row = result.rows[0];
      return row ? { conversationId: row.id, cursor: Number(row.cursor) } : undefined;
    },
    /** Moves a conversation's cursor forward only: a stale pass can never move it back. */
    async advance(agentId: string, conversationId: string, seq: number, at: string) {
      await sql.query(
        `INSERT INTO consolidation_cursors (conversation_id, agent_id, last_seq, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id) DO UPDATE
           SET last_seq = greatest(consolidation_cursors.last_seq, EXCLUDED.last_seq),
               updated_at = EXCLUDED.updated_at`,
        [conversationId, agentId, seq, at],
      );
    },
    /** Marks everything the agent's conversations hold now as consolidated (imports bring their own memory). */
    async startAtNewest(agentId: string, at: string): Promise<void> {
      await sql.query(
        `INSERT INTO consolidation_cursors (conversation_id, agent_id, last_seq, updated_at)
         SELECT c.id, c.agent_id,
                coalesce((SELECT max(m.seq) FROM messages m
                          WHERE m.agent_id = c.agent_id AND ${MESSAGE_CONVERSATION('m')} = c.id), 0),
                $2
         FROM conversations c WHERE c.agent_id = $1
         ON CONFLICT (conversation_id) DO UPDATE
           SET last_seq = greatest(consolidation_cursors.last_seq, EXCLUDED.last_seq),
               updated_at = EXCLUDED.updated_at`,
        [agentId, at],
      );
    },
    /** The next messages of a conversation after `seq`, oldest first. */
    async after(conversationId: string, seq: number, limit: number): Promise<SaidMessage[]> {
      const result = await sql.query<{
        id: string;
        seq: string | number;
        role: MessageRole;
        text: string;
        created_at: Date;
      }>(
        `SELECT m.id, m.seq, m.role, coalesce(m.reply, m.content) AS text, m.created_at
         FROM messages m WHERE ${MESSAGE_CONVERSATION('m')} = $1 AND m.seq > $2 AND ${SAID}
         ORDER BY m.seq LIMIT $3`,
        [conversationId, seq, limit],
      );
      return result.rows.map((row) => ({
        id: row.id,
        seq: Number(row.seq),
        role: row.role,
        text: row.text,
        createdAt: iso(row.created_at),
      }));
    },
    /** How many messages of the agent's remembered conversations wait for consolidation. */
    async pending(agentId: string): Promise<number> {
      const result = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM conversations c
           LEFT JOIN consolidation_cursors k ON k.conversation_id = c.id
           JOIN messages m ON ${WAITING}
         WHERE c.agent_id = $1 AND c.remember`,
        [agentId],
      );
      return result.rows[0]?.n ?? 0;
    },
    /** Keeps why the agent's last pass failed (one row per agent, the newest failure). */
    async recordError(agentId: string, message: string, at: string): Promise<void> {
      await sql.query(
        `INSERT INTO consolidation_errors (agent_id, message, at) VALUES ($1, $2, $3)
         ON CONFLICT (agent_id) DO UPDATE SET message = EXCLUDED.message, at = EXCLUDED.at`,
        [agentId, message, at],
      );
    },
    /** A pass succeeded: the last failure no longer describes the agent's consolidation. */
    async clearError(agentId: string): Promise<void> {
      await sql.query('DELETE FROM consolidation_errors WHERE agent_id = $1', [agentId]);
    },
    /** Why the agent's last pass failed, or null when the last one succeeded (or none ran). */
    async lastError(agentId: string): Promise<string | null> {
      const result = await sql.query<{ message: string }>(
        'SELECT message FROM consolidation_errors WHERE agent_id = $1',
        [agentId],
      );
      return result.rows[0]?.message ?? null;
    },
  };
}
export type ConsolidationRepo = ReturnType<typeof createConsolidationRepo>;
