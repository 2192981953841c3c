import type { Sql } from '../sql';
import { VECTOR_TYPE, indexedText, signBits, toVectorLiteral } from './rows';

/** The tables whose rows carry an embedding from the current embedder. */
export type VectorTable = 'passages' | 'messages';

/**
 * Which messages are embedded: what was said in the conversation (the
 * user's words, the agent's replies), not tool calls, tool results,
 * summaries or events. The partial index of the message_embeddings
 * migration has exactly this predicate, so pending rows are found through it.
 */
const MESSAGE_SAID = `kind = 'chat' AND role IN ('user', 'assistant')
  AND (tool_calls IS NULL OR reply IS NOT NULL) AND coalesce(reply, content) <> ''`;

interface TableSpec {
  index: string;
  /** Rows that should have a vector and have none. */
  pending: string;
  order: string;
}

const TABLES: Record<VectorTable, TableSpec> = {
  passages: {
    index: 'passages_embedding_bits',
    pending: 'embedding IS NULL',
    order: 'created_at, id',
  },
  messages: {
    index: 'messages_embedding_bits',
    // A conversation the user asked not to remember is not embedded until it is remembered again.
    pending: `embedding IS NULL AND ${MESSAGE_SAID} AND NOT EXISTS (
      SELECT 1 FROM conversations c
      WHERE c.id = coalesce(messages.conversation_id, messages.agent_id) AND NOT c.remember)`,
    order: 'seq',
  },
};

const INDEX_BUILD_MEMORY = '512MB';

/** Only whole numbers in a sane range may be spliced into DDL. */
function assertDimensions(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) {
    throw new RangeError(
      `embedding dimensions must be an integer from 1 to 2000, got ${dimensions}`,
    );
  }
}

/** The embedding column of one table: its dimension, its HNSW index and the rows waiting for vectors. */
export function createVectorsRepo(sql: Sql, table: VectorTable) {
  const spec = TABLES[table];
  /** The dimension the vector column is fixed to, or null before any embedder was configured. */
  async function columnDimensions(): Promise<number | null> {
    const result = await sql.query<{ typmod: number }>(
      `SELECT atttypmod AS typmod FROM pg_attribute
       WHERE attrelid = '${table}'::regclass AND attname = 'embedding'`,
    );
    const typmod = result.rows[0]?.typmod ?? -1;
    return typmod > 0 ? typmod : null;
  }
  return {
    table,
    columnDimensions,
    /**
     * Fixes the vector column to a new dimension. Existing vectors came from
     * another embedder and are meaningless now, so they are cleared (the rows
     * stay, waiting to be re-embedded) along with the index.
     */
    async resetEmbeddings(dimensions: number): Promise<void> {
      assertDimensions(dimensions);
      await sql.exec(`
        DROP INDEX IF EXISTS ${spec.index};
        UPDATE ${table} SET embedding = NULL WHERE embedding IS NOT NULL;
        ALTER TABLE ${table} ALTER COLUMN embedding TYPE ${VECTOR_TYPE}(${dimensions});
        ALTER TABLE ${table} ALTER COLUMN embedding SET STORAGE PLAIN;
      `);
    },
    /** Rows still waiting for an embedding from the current embedder, oldest first. */
    async listPending(limit: number): Promise<Array<{ id: string; text: string }>> {
      const result = await sql.query<{ id: string; text: string }>(
        `SELECT id, ${indexedText(table, table)} AS text FROM ${table} WHERE ${spec.pending}
         ORDER BY ${spec.order} LIMIT $1`,
        [limit],
      );
      return result.rows;
    },
    async countPending(agentId?: string): Promise<number> {
      const result = await sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table}
         WHERE ${spec.pending} AND ($1::text IS NULL OR agent_id = $1)`,
        [agentId ?? null],
      );
      return result.rows[0]?.n ?? 0;
    },
    async setEmbeddings(rows: Array<{ id: string; embedding: Float32Array }>): Promise<void> {
      if (rows.length === 0) return;
      await sql.query(
        `UPDATE ${table} t SET embedding = u.embedding::${VECTOR_TYPE}
         FROM unnest($1::text[], $2::text[]) AS u(id, embedding) WHERE t.id = u.id`,
        [rows.map((r) => r.id), rows.map((r) => toVectorLiteral(r.embedding))],
      );
    },
    async hasVectorIndex(): Promise<boolean> {
      const result = await sql.query(
        'SELECT 1 FROM pg_indexes WHERE tablename = $1 AND indexname = $2',
        [table, spec.index],
      );
      return result.rows.length > 0;
    },
    /** Dropped before bulk (re-)embedding; vector search scans exactly until it is rebuilt. */
    async dropVectorIndex(): Promise<void> {
      await sql.exec(`DROP INDEX IF EXISTS ${spec.index}`);
    },
    /**
     * A server's: PGlite's one process ranks the signs itself
     * (memory/sign-index.ts). Built after bulk (re-)embedding: inserting
     * into a live HNSW index is much slower. The graph is over each
     * vector's signs (signBits), so it needs the column's dimension: a
     * column without one (no embedder yet) holds no vectors and gets no index.
     */
    async createVectorIndex(): Promise<void> {
      const dimensions = await columnDimensions();
      if (dimensions === null) return;
      // A graph that does not fit maintenance_work_mem is built on disk, ~4x
      // slower at 100k passages (docs/benchmarks.md). The setting is rolled
      // back with the statement if the build fails.
      // Processes sharing a server may build it at the same moment: two
      // CREATE INDEX IF NOT EXISTS can both start and one then fails on the
      // duplicate name. The lock (held to the end of this exec's implicit
      // transaction) makes the second wait and find the index built.
      await sql.exec(`
        SELECT pg_advisory_xact_lock(hashtextextended('locus:vector_index:${table}', 0));
        SET maintenance_work_mem = '${INDEX_BUILD_MEMORY}';
        CREATE INDEX IF NOT EXISTS ${spec.index} ON ${table}
        USING hnsw ((${signBits('embedding', dimensions)}) bit_hamming_ops)
        WITH (m = 16, ef_construction = 64);
        RESET maintenance_work_mem;
      `);
    },
  };
}
export type VectorsRepo = ReturnType<typeof createVectorsRepo>;
