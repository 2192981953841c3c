import type { Sql } from '../sql';
import type { VectorTable } from './vectors-repo';

/** One row's signs as pgvector packs them (null: the row has no embedding now). */
export interface SignRow {
  id: string;
  agent: string;
  signs: Uint8Array | null;
  rev: number;
}

/** One agent's embedded rows in a range of the table: their ids and their signs, in one order. */
export interface SignBatch {
  agent: string;
  ids: string[];
  /** Each row's signs, one after another, `bytes` each. */
  signs: Uint8Array;
}

/**
 * The vector's signs as bytes: varbit's binary form is its length in bits (4
 * bytes) and then the bits, 8 to a byte; a text bit string would be 8 times
 * as long to send and parse.
 */
const SIGNS = `substring(varbit_send(binary_quantize(t.embedding)::varbit) FROM 5)`;

/**
 * What a process needs to keep a copy of a table's signs (memory/sign-index.ts):
 * the rows, and the revisions and removal counts the vector_revisions
 * migration keeps on every write.
 */
export function createSignsRepo(sql: Sql, table: VectorTable) {
  return {
    /** The newest revision and the embedded rows removed so far: read before each search. */
    async state(): Promise<{ rev: number; removed: number }> {
      const result = await sql.query<{ rev: number; removed: number }>(
        `SELECT coalesce((SELECT max(vector_rev) FROM ${table}), 0)::float8 AS rev,
                coalesce((SELECT removed FROM vector_removals WHERE tbl = $1), 0)::float8 AS removed`,
        [table],
      );
      return result.rows[0] ?? { rev: 0, removed: 0 };
    },
    /**
     * What a whole load needs first: the table's size in blocks, the
     * planner's estimate of its rows (-1 before any analysis) and the
     * vectors' dimension (0 before any).
     */
    async extent(): Promise<{ blocks: number; rows: number; dimensions: number }> {
      const result = await sql.query<{ blocks: number; rows: number; dimensions: number }>(
        `SELECT (pg_relation_size('${table}') / current_setting('block_size')::int)::float8 AS blocks,
                (SELECT reltuples FROM pg_class WHERE oid = '${table}'::regclass)::float8 AS rows,
                greatest((SELECT atttypmod FROM pg_attribute
                          WHERE attrelid = '${table}'::regclass AND attname = 'embedding'), 0) AS dimensions`,
      );
      return result.rows[0] ?? { blocks: 0, rows: -1, dimensions: 0 };
    },
    /**
     * The embedded rows stored in blocks [from, to) of the table, per agent.
     * Read in the table's own order (a TID range scan) so that every page
     * is read once; by id, an index scan read each page again for every row
     * on it once the table outgrew the buffer cache. Aggregated per agent,
     * and the signs sent as base64 text: PGlite parsed a row or a bytea's
     * hex form several times slower than the database made them (10k
     * passages: 65 ms against ~300).
     */
    async blocks(from: number, to: number): Promise<SignBatch[]> {
      const result = await sql.query<{ agent: string; ids: string; signs: string }>(
        `SELECT t.agent_id AS agent, string_agg(t.id, ' ') AS ids,
                encode(string_agg(${SIGNS}, ''::bytea), 'base64') AS signs
         FROM ${table} t
         WHERE t.ctid >= format('(%s,0)', $1::bigint)::tid AND t.ctid < format('(%s,0)', $2::bigint)::tid
           AND t.embedding IS NOT NULL
         GROUP BY t.agent_id`,
        [from, to],
      );
      return result.rows.map((row) => ({
        agent: row.agent,
        // Locus's ids hold no space (newId); a caller checks the count against the signs'.
        ids: row.ids.split(' '),
        signs: Buffer.from(row.signs, 'base64'),
      }));
    },
    /** The same rows one by one: for a range whose ids did not split back. */
    async blockRows(from: number, to: number): Promise<SignRow[]> {
      const result = await sql.query<SignRow>(
        `SELECT t.id, t.agent_id AS agent, ${SIGNS} AS signs, 0::float8 AS rev
         FROM ${table} t
         WHERE t.ctid >= format('(%s,0)', $1::bigint)::tid AND t.ctid < format('(%s,0)', $2::bigint)::tid
           AND t.embedding IS NOT NULL`,
        [from, to],
      );
      return result.rows;
    },
    /** Rows written after revision `rev`, oldest first, embedded or not. */
    async since(rev: number, limit: number): Promise<SignRow[]> {
      const result = await sql.query<SignRow>(
        `SELECT t.id, t.agent_id AS agent,
                CASE WHEN t.embedding IS NULL THEN NULL ELSE ${SIGNS} END AS signs,
                t.vector_rev::float8 AS rev
         FROM ${table} t WHERE t.vector_rev > $1::bigint ORDER BY t.vector_rev LIMIT $2`,
        [rev, limit],
      );
      return result.rows;
    },
  };
}
export type SignsRepo = ReturnType<typeof createSignsRepo>;
