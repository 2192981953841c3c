import type { Sql } from '../sql';

/** Tables whose planner statistics go stale as memory grows. */
export const GROWING_TABLES = ['passages', 'messages'] as const;
export type GrowingTable = (typeof GROWING_TABLES)[number];

/**
 * Tables written on every message whose dead rows only VACUUM reclaims:
 * the memory counts (one row per agent, updated by every write) and the
 * context's entries (deleted whenever a summary evicts messages). Before
 * context_entries existed, 3000 messages into one context left 225 MB of
 * dead copies of the agent's row behind.
 */
export const REWRITTEN_TABLES = ['memory_counts', 'context_entries'] as const;

export function createMaintenanceRepo(sql: Sql) {
  return {
    /**
     * Rows now, and rows the planner believes there are: -1 when the table
     * has no statistics. Building an index sets the row estimate without
     * analysing, and a table never analysed has its agent filter estimated
     * at 0.5% of the rows: the planner scanned a 10k-passage memory exactly
     * instead of walking the vector index (4x the CPU of a search).
     */
    async rowEstimate(table: GrowingTable): Promise<{ rows: number; planned: number }> {
      const result = await sql.query<{ rows: number; planned: number }>(
        // memory_counts (columns named after the tables) instead of count(*): this runs at every open.
        `SELECT (SELECT coalesce(sum(${table}), 0)::int FROM memory_counts) AS rows,
                (SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_stats s
                                          WHERE s.schemaname = n.nspname AND s.tablename = c.relname)
                             THEN c.reltuples::float8 ELSE -1 END
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = $1::regclass) AS planned`,
        [table],
      );
      return result.rows[0] ?? { rows: 0, planned: -1 };
    },
    async analyze(table: GrowingTable): Promise<void> {
      await sql.exec(`ANALYZE ${table}`);
    },
    /** Cannot run inside a transaction. */
    async vacuumRewrittenTables(): Promise<void> {
      await sql.exec(`VACUUM ${REWRITTEN_TABLES.join(', ')}`);
    },
    /**
     * Checkpoints once more than `maxBytes` of write-ahead log were written
     * since the last checkpoint; returns whether it did. Needs superuser on
     * a server (PGlite only: see auto-analyze.ts).
     */
    async checkpointIfWalOver(maxBytes: number): Promise<boolean> {
      const result = await sql.query<{ bytes: number }>(
        `SELECT (pg_current_wal_insert_lsn() - redo_lsn)::float8 AS bytes FROM pg_control_checkpoint()`,
      );
      if ((result.rows[0]?.bytes ?? 0) <= maxBytes) return false;
      await sql.exec('CHECKPOINT');
      return true;
    },
  };
}
