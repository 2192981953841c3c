import type { Sql } from '../sql';
import { iso } from './rows';

/** A change told before it happens: its line in a block, and the line it will replace. */
export interface UpcomingLine {
  id: number;
  blockId: string;
  /** The line as written, with its "(from …)" mark. */
  line: string;
  /** The line it corrects, current until then; null if it corrects none. */
  replaces: string | null;
  startsAt: string;
  /** The message that told of it. */
  messageId: string | null;
}

export type NewUpcomingLine = Omit<UpcomingLine, 'id'>;

interface RawUpcoming {
  id: string | number;
  block_id: string;
  line: string;
  replaces: string | null;
  starts_at: Date;
  message_id: string | null;
}

function toUpcoming(row: RawUpcoming): UpcomingLine {
  return {
    id: Number(row.id),
    blockId: row.block_id,
    line: row.line,
    replaces: row.replaces,
    startsAt: iso(row.starts_at),
    messageId: row.message_id,
  };
}

/** Upcoming lines of blocks (see the upcoming_lines migration). */
export function createUpcomingRepo(sql: Sql) {
  return {
    async insert(entry: NewUpcomingLine): Promise<void> {
      await sql.query(
        `INSERT INTO upcoming_lines (block_id, line, replaces, starts_at, message_id)
         VALUES ($1, $2, $3, $4, $5)`,
        [entry.blockId, entry.line, entry.replaces, entry.startsAt, entry.messageId],
      );
    },
    /**
     * The agent's changes whose date has come (at `now` or before), oldest
     * first; without `now`, all of them (an export).
     */
    async list(agentId: string, now: string | null = null): Promise<UpcomingLine[]> {
      const result = await sql.query<RawUpcoming>(
        `SELECT u.id, u.block_id, u.line, u.replaces, u.starts_at, u.message_id FROM upcoming_lines u
         JOIN blocks b ON b.id = u.block_id
         WHERE b.agent_id = $1 AND ($2::timestamptz IS NULL OR u.starts_at <= $2)
         ORDER BY u.starts_at, u.id`,
        [agentId, now],
      );
      return result.rows.map(toUpcoming);
    },
    /** The agents with a change whose date has come (at `now` or before). */
    async agentsDue(now: string): Promise<string[]> {
      const result = await sql.query<{ agent_id: string }>(
        `SELECT DISTINCT b.agent_id FROM upcoming_lines u
         JOIN blocks b ON b.id = u.block_id
         WHERE u.starts_at <= $1
         ORDER BY b.agent_id`,
        [now],
      );
      return result.rows.map((r) => r.agent_id);
    },
    /**
     * Takes the change for the caller's transaction: false when another one
     * took it first (it waits for that one to end), so it is applied once.
     */
    async take(id: number): Promise<boolean> {
      const result = await sql.query('DELETE FROM upcoming_lines WHERE id = $1', [id]);
      return (result.affectedRows ?? 0) > 0;
    },
    /**
     * Forgetting lines: a change whose line is forgotten goes; one that
     * would replace a forgotten line keeps no copy of it.
     */
    async forgetLines(blockId: string, lines: string[]): Promise<void> {
      if (lines.length === 0) return;
      await sql.query('DELETE FROM upcoming_lines WHERE block_id = $1 AND line = ANY($2::text[])', [
        blockId,
        lines,
      ]);
      await sql.query(
        'UPDATE upcoming_lines SET replaces = NULL WHERE block_id = $1 AND replaces = ANY($2::text[])',
        [blockId, lines],
      );
    },
  };
}
