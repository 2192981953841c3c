import type { MessageRole } from '../../../shared/entities';
import type { Sql } from '../sql';
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

/** Each agent's consolidation progress: the last message seq whose facts are applied. */
export function createConsolidationRepo(sql: Sql) {
  return {
    async cursor(agentId: string): Promise<number> {
      const result = await sql.query<{ last_seq: string | number }>(
        'SELECT last_seq FROM consolidation_cursors WHERE agent_id = $1',
        [agentId],
      );
      return Number(result.rows[0]?.last_seq ?? 0);
    },
    /** Moves the cursor forward only: a stale pass can never move it back. */
    async advance(agentId: string, seq: number, at: string): Promise<void> {
      await sql.query(
        `INSERT INTO consolidation_cursors (agent_id, last_seq, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (agent_id) DO UPDATE
           SET last_seq = greatest(consolidation_cursors.last_seq, EXCLUDED.last_seq),
               updated_at = EXCLUDED.updated_at`,
        [agentId, seq, at],
      );
    },
    /** Marks everything the agent has now as consolidated (imports bring their own memory). */
    async startAtNewest(agentId: string, at: string): Promise<void> {
      const result = await sql.query<{ seq: string | number | null }>(
        'SELECT max(seq) AS seq FROM messages WHERE agent_id = $1',
        [agentId],
      );
      await this.advance(agentId, Number(result.rows[0]?.seq ?? 0), at);
    },
    /** The next messages after the cursor, oldest first. */
    async after(agentId: string, seq: number, limit: number): Promise<SaidMessage[]> {
      const result = await sql.query<{
        id: string;
        seq: string | number;
        role: MessageRole;
        text: string;
        created_at: Date;
      }>(
        `SELECT m.id, m.seq, m.role, coalesce(m.reply, m.content) AS text, m.created_at
         FROM messages m WHERE m.agent_id = $1 AND m.seq > $2 AND ${SAID}
         ORDER BY m.seq LIMIT $3`,
        [agentId, seq, limit],
      );
      return result.rows.map((row) => ({
        id: row.id,
        seq: Number(row.seq),
        role: row.role,
        text: row.text,
        createdAt: iso(row.created_at),
      }));
    },
    /** How many messages wait for consolidation. */
    async pending(agentId: string, seq: number): Promise<number> {
      const result = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages m WHERE m.agent_id = $1 AND m.seq > $2 AND ${SAID}`,
        [agentId, seq],
      );
      return result.rows[0]?.n ?? 0;
    },
  };
}
export type ConsolidationRepo = ReturnType<typeof createConsolidationRepo>;
