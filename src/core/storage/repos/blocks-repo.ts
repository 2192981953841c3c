import type { Block } from '../../../shared/entities';
import type { Sql } from '../sql';
import { iso } from './rows';

interface RawBlock {
  id: string;
  agent_id: string;
  label: string;
  value: string;
  char_limit: number;
  description: string;
  read_only: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, agent_id, label, value, char_limit, description, read_only, created_at, updated_at';

/**
 * An agent's blocks as one JSON array, for statements that read an agent
 * whole (agents-repo's stepState); `agentId` is an SQL expression.
 */
export function blocksJsonSql(agentId: string): string {
  return `(SELECT coalesce(json_agg(b ORDER BY b.created_at, b.label), '[]'::json)
           FROM (SELECT ${COLUMNS} FROM blocks WHERE agent_id = ${agentId}) b)`;
}

/** Rows from blocksJsonSql: timestamps arrive as JSON strings. */
export function blocksFromJson(rows: unknown): Block[] {
  return (
    rows as Array<
      Omit<RawBlock, 'created_at' | 'updated_at'> & {
        created_at: string;
        updated_at: string;
      }
    >
  ).map((row) =>
    toBlock({ ...row, created_at: new Date(row.created_at), updated_at: new Date(row.updated_at) }),
  );
}

function toBlock(row: RawBlock): Block {
  return {
    id: row.id,
    agentId: row.agent_id,
    label: row.label,
    value: row.value,
    limit: row.char_limit,
    description: row.description,
    readOnly: row.read_only,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface BlockHistoryEntry {
  id: number;
  blockId: string;
  value: string;
  actor: string;
  createdAt: string;
}

/** A core-memory line and the message it came from (see the memory_pipeline migration). */
export interface LineSource {
  blockId: string;
  line: string;
  messageId: string | null;
  at: string;
}

/** Removes `text` from a value: whole lines equal to it, then any other occurrence. */
export function withoutText(value: string, text: string): string {
  if (text === '') return value;
  return value
    .split('\n')
    .filter((line) => line !== text)
    .join('\n')
    .replaceAll(text, '');
}

export function createBlocksRepo(sql: Sql) {
  return {
    async insert(block: Block): Promise<void> {
      await sql.query(
        `INSERT INTO blocks (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          block.id,
          block.agentId,
          block.label,
          block.value,
          block.limit,
          block.description,
          block.readOnly,
          block.createdAt,
          block.updatedAt,
        ],
      );
    },
    async listByAgent(agentId: string): Promise<Block[]> {
      const result = await sql.query<RawBlock>(
        `SELECT ${COLUMNS} FROM blocks WHERE agent_id = $1 ORDER BY created_at, label`,
        [agentId],
      );
      return result.rows.map(toBlock);
    },
    /**
     * `forUpdate` (inside a transaction) holds the row until it ends, so two
     * processes editing one block on a shared server apply both edits.
     */
    async getByLabel(
      agentId: string,
      label: string,
      options: { forUpdate?: boolean } = {},
    ): Promise<Block | undefined> {
      const result = await sql.query<RawBlock>(
        `SELECT ${COLUMNS} FROM blocks WHERE agent_id = $1 AND label = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
        [agentId, label],
      );
      return result.rows[0] ? toBlock(result.rows[0]) : undefined;
    },
    /** Writes a new value and keeps the old one in block_history (for review and undo). */
    async updateValue(block: Block, value: string, actor: string, at: string): Promise<void> {
      await sql.query(
        'INSERT INTO block_history (block_id, value, actor, created_at) VALUES ($1, $2, $3, $4)',
        [block.id, block.value, actor, at],
      );
      await sql.query('UPDATE blocks SET value = $2, updated_at = $3 WHERE id = $1', [
        block.id,
        value,
        at,
      ]);
    },
    async updateMeta(
      id: string,
      patch: { limit?: number; description?: string; readOnly?: boolean },
      at: string,
    ): Promise<void> {
      await sql.query(
        `UPDATE blocks SET
           char_limit = coalesce($2, char_limit),
           description = coalesce($3, description),
           read_only = coalesce($4, read_only),
           updated_at = $5
         WHERE id = $1`,
        [id, patch.limit ?? null, patch.description ?? null, patch.readOnly ?? null, at],
      );
    },
    async updateLabel(id: string, label: string, at: string): Promise<void> {
      await sql.query('UPDATE blocks SET label = $2, updated_at = $3 WHERE id = $1', [
        id,
        label,
        at,
      ]);
    },
    async delete(id: string): Promise<void> {
      await sql.query('DELETE FROM blocks WHERE id = $1', [id]);
    },
    async getById(id: string): Promise<Block | undefined> {
      const result = await sql.query<RawBlock>(`SELECT ${COLUMNS} FROM blocks WHERE id = $1`, [id]);
      return result.rows[0] ? toBlock(result.rows[0]) : undefined;
    },
    /** Records where lines came from: a message, or null for lines someone just wrote. */
    async addLineSources(sources: LineSource[]): Promise<void> {
      if (sources.length === 0) return;
      await sql.query(
        `INSERT INTO block_line_sources (block_id, line, message_id, at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])`,
        [
          sources.map((s) => s.blockId),
          sources.map((s) => s.line),
          sources.map((s) => s.messageId),
          sources.map((s) => s.at),
        ],
      );
    },
    /** The latest time each line of the block was written, for "least recent first". */
    async lineTimes(blockId: string): Promise<Map<string, string>> {
      const result = await sql.query<{ line: string; at: Date }>(
        'SELECT line, max(at) AS at FROM block_line_sources WHERE block_id = $1 GROUP BY line',
        [blockId],
      );
      return new Map(result.rows.map((row) => [row.line, iso(row.at)]));
    },
    /** Lines written from any of these messages, in any block of the agent. */
    async linesFromMessages(agentId: string, messageIds: string[]): Promise<LineSource[]> {
      const result = await sql.query<{
        block_id: string;
        line: string;
        message_id: string;
        at: Date;
      }>(
        `SELECT s.block_id, s.line, s.message_id, s.at FROM block_line_sources s
         JOIN blocks b ON b.id = s.block_id
         WHERE b.agent_id = $1 AND s.message_id = ANY($2::text[])`,
        [agentId, messageIds],
      );
      return result.rows.map((row) => ({
        blockId: row.block_id,
        line: row.line,
        messageId: row.message_id,
        at: iso(row.at),
      }));
    },
    async deleteLineSources(blockId: string, lines: string[]): Promise<void> {
      await sql.query(
        'DELETE FROM block_line_sources WHERE block_id = $1 AND line = ANY($2::text[])',
        [blockId, lines],
      );
    },
    /**
     * Forgetting: removes `text` from every earlier value of the agent's
     * blocks, so history keeps no copy of it. Returns the rows changed.
     */
    async scrubHistory(agentId: string, text: string): Promise<number> {
      const result = await sql.query<{ id: string | number; value: string }>(
        `SELECT h.id, h.value FROM block_history h JOIN blocks b ON b.id = h.block_id
         WHERE b.agent_id = $1 AND strpos(h.value, $2) > 0`,
        [agentId, text],
      );
      for (const row of result.rows) {
        await sql.query('UPDATE block_history SET value = $2 WHERE id = $1', [
          row.id,
          withoutText(row.value, text),
        ]);
      }
      return result.rows.length;
    },
    async history(blockId: string, limit: number): Promise<BlockHistoryEntry[]> {
      const result = await sql.query<{
        id: number;
        block_id: string;
        value: string;
        actor: string;
        created_at: Date;
      }>(
        'SELECT id, block_id, value, actor, created_at FROM block_history WHERE block_id = $1 ORDER BY id DESC LIMIT $2',
        [blockId, limit],
      );
      return result.rows.map((row) => ({
        id: Number(row.id),
        blockId: row.block_id,
        value: row.value,
        actor: row.actor,
        createdAt: iso(row.created_at),
      }));
    },
  };
}
export type BlocksRepo = ReturnType<typeof createBlocksRepo>;
