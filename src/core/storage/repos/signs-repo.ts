import type { Sql } from '../sql';
import type { VectorTable } from './vectors-repo';

/** One embedded row's signs as pgvector packs them (null: the row has no embedding now). */
export interface SignRow {
  id: string;
  agent: string;
  signs: Uint8Array | null;
  rev: number;
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
    /** The newest revision and the embedded rows removed so far, read together. */
    async state(): Promise<{ rev: number; removed: number }> {
      const result = await sql.query<{ rev: number; removed: number }>(
        `SELECT coalesce((SELECT max(vector_rev) FROM ${table}), 0)::float8 AS rev,
                coalesce((SELECT removed FROM vector_removals WHERE tbl = $1), 0)::float8 AS removed`,
        [table],
      );
      return result.rows[0] ?? { rev: 0, removed: 0 };
    },
    /** Embedded rows by id, after `afterId` (a page of a whole load). */
    async page(afterId: string, limit: number): Promise<SignRow[]> {
      const result = await sql.query<SignRow>(
        `SELECT t.id, t.agent_id AS agent, ${SIGNS} AS signs, coalesce(t.vector_rev, 0)::float8 AS rev
         FROM ${table} t WHERE t.embedding IS NOT NULL AND t.id > $1
         ORDER BY t.id LIMIT $2`,
        [afterId, limit],
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
