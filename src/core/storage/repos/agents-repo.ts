import {
  MemorySettingsSchema,
  ModelSettingsSchema,
  type Block,
  type MemorySettings,
  type ModelSettings,
} from '../../../shared/entities';
import { queryPrepared } from '../prepared-statements';
import type { Sql } from '../sql';
import { blocksFromJson, blocksJsonSql } from './blocks-repo';
import { rewritesSql } from './message-rewrites';
import { iso } from './rows';

export interface AgentRow {
  id: string;
  name: string;
  system: string;
  model: ModelSettings;
  memory: MemorySettings;
  createdAt: string;
  updatedAt: string;
}

/** Messages and passages an agent has, for the context's status line. */
export interface MemoryCounts {
  messages: number;
  passages: number;
}

/** Everything an agent step reads before it compiles the context. */
export interface AgentStepState {
  agent: AgentRow;
  blocks: Block[];
  /** Which messages are in the conversation's context window, oldest first. */
  contextIds: string[];
  /** How many times the agent's messages were rewritten in place (cached ones may be stale). */
  rewrites: number;
  counts: MemoryCounts;
}

interface RawAgent {
  id: string;
  name: string;
  system: string;
  model: unknown;
  memory_settings: unknown;
  created_at: Date;
  updated_at: Date;
}

const COLUMN_NAMES = [
  'id',
  'name',
  'system',
  'model',
  'memory_settings',
  'created_at',
  'updated_at',
];
const COLUMNS = COLUMN_NAMES.join(', ');

function toAgent(row: RawAgent): AgentRow {
  return {
    id: row.id,
    name: row.name,
    system: row.system,
    // Older rows may miss newer settings; parsing fills in their defaults.
    model: ModelSettingsSchema.parse(row.model ?? {}),
    memory: MemorySettingsSchema.parse(row.memory_settings ?? {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function createAgentsRepo(sql: Sql) {
  return {
    async insert(agent: AgentRow): Promise<void> {
      await sql.query(
        `INSERT INTO agents (id, name, system, model, memory_settings, created_at, updated_at)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)`,
        [
          agent.id,
          agent.name,
          agent.system,
          JSON.stringify(agent.model),
          JSON.stringify(agent.memory),
          agent.createdAt,
          agent.updatedAt,
        ],
      );
    },
    async get(id: string): Promise<AgentRow | undefined> {
      const result = await sql.query<RawAgent>(`SELECT ${COLUMNS} FROM agents WHERE id = $1`, [id]);
      return result.rows[0] ? toAgent(result.rows[0]) : undefined;
    },
    async getByName(name: string): Promise<AgentRow | undefined> {
      const result = await sql.query<RawAgent>(`SELECT ${COLUMNS} FROM agents WHERE name = $1`, [
        name,
      ]);
      return result.rows[0] ? toAgent(result.rows[0]) : undefined;
    },
    async list(): Promise<AgentRow[]> {
      const result = await sql.query<RawAgent>(
        `SELECT ${COLUMNS} FROM agents ORDER BY created_at, id`,
      );
      return result.rows.map(toAgent);
    },
    async update(
      id: string,
      patch: { name?: string; system?: string; model?: ModelSettings; memory?: MemorySettings },
      updatedAt: string,
    ): Promise<boolean> {
      const result = await sql.query(
        `UPDATE agents SET
           name = coalesce($2, name),
           system = coalesce($3, system),
           model = coalesce($4::jsonb, model),
           memory_settings = coalesce($6::jsonb, memory_settings),
           updated_at = $5
         WHERE id = $1`,
        [
          id,
          patch.name ?? null,
          patch.system ?? null,
          patch.model ? JSON.stringify(patch.model) : null,
          updatedAt,
          patch.memory ? JSON.stringify(patch.memory) : null,
        ],
      );
      return (result.affectedRows ?? 0) > 0;
    },
    async delete(id: string): Promise<boolean> {
      const result = await sql.query('DELETE FROM agents WHERE id = $1', [id]);
      return (result.affectedRows ?? 0) > 0;
    },
    /**
     * The agent, its blocks, one conversation's context message ids and the
     * agent's memory counts in one statement: read at every agent step, where
     * four round trips cost ~4 ms (bench/ scale suite).
     */
    async stepState(id: string, conversationId: string): Promise<AgentStepState | undefined> {
      const result = await queryPrepared<
        RawAgent & {
          blocks: unknown;
          ids: string[] | null;
          rewrites: number;
          messages: number;
          passages: number;
        }
      >(
        sql,
        `SELECT ${COLUMN_NAMES.map((column) => `a.${column}`).join(', ')},
                ARRAY(SELECT e.message_id FROM context_entries e
                      WHERE e.conversation_id = $2 AND e.agent_id = a.id ORDER BY e.position) AS ids,
                ${rewritesSql('a.id')} AS rewrites,
                ${blocksJsonSql('a.id')} AS blocks,
                coalesce(c.messages, 0)::int AS messages, coalesce(c.passages, 0)::int AS passages
         FROM agents a LEFT JOIN memory_counts c ON c.agent_id = a.id WHERE a.id = $1`,
        [id, conversationId],
      );
      const row = result.rows[0];
      if (!row) return undefined;
      return {
        agent: toAgent(row),
        blocks: blocksFromJson(row.blocks),
        contextIds: row.ids ?? [],
        rewrites: row.rewrites,
        counts: { messages: row.messages, passages: row.passages },
      };
    },
    /** Messages and passages the agent has, from the trigger-kept memory_counts. */
    async memoryCounts(id: string): Promise<MemoryCounts> {
      const result = await sql.query<MemoryCounts>(
        'SELECT messages::int, passages::int FROM memory_counts WHERE agent_id = $1',
        [id],
      );
      return result.rows[0] ?? { messages: 0, passages: 0 };
    },
  };
}
export type AgentsRepo = ReturnType<typeof createAgentsRepo>;
