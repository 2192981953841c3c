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
    async getByLabel(agentId: string, label: string): Promise<Block | undefined> {
      const result = await sql.query<RawBlock>(
        `SELECT ${COLUMNS} FROM blocks WHERE agent_id = $1 AND label = $2`,
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
