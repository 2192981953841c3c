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

/** SQL: whether passages' word index takes new rows into its pending list (GIN's default; off between loads). */
const WORD_INDEX_FAST_UPDATE = `(SELECT NOT coalesce(reloptions && ARRAY['fastupdate=off', 'fastupdate=false'], false)
   FROM pg_class WHERE oid = 'passages_tsv'::regclass)`;

/** SQL: bytes of write-ahead log written since the last checkpoint. */
const WAL_SINCE_CHECKPOINT = `(SELECT (pg_current_wal_insert_lsn() - redo_lsn)::float8 FROM pg_control_checkpoint())`;

/** SQL: the table (a regclass parameter) in blocks. */
const TABLE_BLOCKS = (param: string) =>
  `(pg_relation_size(${param}::regclass) / current_setting('block_size')::int)::float8`;

async function wordIndexFastUpdate(sql: Sql): Promise<boolean> {
  const result = await sql.query<{ on: boolean }>(`SELECT ${WORD_INDEX_FAST_UPDATE} AS on`);
  return result.rows[0]?.on === true;
}

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
    /**
     * Lets the word index take rows into its pending list (bulk loads):
     * merged in one sorted pass at the pause (settleWordIndex), where
     * inserting each row's ~15 words into the tree one by one was half of a
     * bulk load's CPU (10k passages: 2.4 -> 1.7 s), and merging the list
     * after every batch of 1,000 another ~3 s of 21 at 100k. Until then
     * searches read the list too: at most 4 MB, past which Postgres merges it
     * itself (gin_pending_list_limit). Checked first: each ALTER INDEX takes
     * a lock and re-plans every statement on passages.
     */
    async openWordIndexPendingList(): Promise<void> {
      if (!(await wordIndexFastUpdate(sql))) await openPendingList(sql);
    },
    /**
     * openWordIndexPendingList, and the table's size in blocks before a
     * PGlite bulk load (where settleBulkLoad starts), in one statement: a
     * statement per check for every batch of 1,000 rows was ~0.2 s of CPU
     * in a 100k load.
     */
    async prepareBulkLoad(table: GrowingTable): Promise<{ blocks: number }> {
      const result = await sql.query<{ on: boolean; blocks: number }>(
        `SELECT ${WORD_INDEX_FAST_UPDATE} AS on, ${TABLE_BLOCKS('$1')} AS blocks`,
        [table],
      );
      if (result.rows[0]?.on !== true) await openPendingList(sql);
      return { blocks: result.rows[0]?.blocks ?? 0 };
    },
    /**
     * Merges the word index's pending list and sends later rows straight into
     * the tree again, so searches never scan a list: run when bulk loads
     * pause and at open (a process that stopped mid-import left it open).
     * Returns whether the list was open.
     */
    async settleWordIndex(): Promise<boolean> {
      if (!(await wordIndexFastUpdate(sql))) return false;
      await sql.query("SELECT gin_clean_pending_list('passages_tsv'::regclass)");
      await sql.exec('ALTER INDEX passages_tsv SET (fastupdate = off)');
      return true;
    },
    /**
     * Reads the rows in blocks `from` onwards once, just after the load
     * that wrote them committed, so Postgres records on each row that its
     * transaction committed (hint bits) while the pages are still in the
     * buffer cache and not yet written. The first reader after that (the
     * pause's ANALYZE, a search reading the signs) did it instead, dirtying
     * and writing every page of the table again: at 100k passages that ANALYZE
     * cost ~3 s of CPU instead of ~1.3, against ~0.2-1 s for these reads.
     * Then checkpoints if the log since the last checkpoint passed
     * `maxBytes` (PGlite never does by itself), measured in the same
     * statement; returns whether it did.
     */
    async settleBulkLoad(table: GrowingTable, from: number, maxBytes: number): Promise<boolean> {
      const result = await sql.query<{ bytes: number }>(
        `SELECT (SELECT count(*) FROM ${table} WHERE ctid >= format('(%s,0)', $1::bigint)::tid) AS rows,
                ${WAL_SINCE_CHECKPOINT} AS bytes`,
        [from],
      );
      return checkpointPast(sql, result.rows[0]?.bytes ?? 0, maxBytes);
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
      const result = await sql.query<{ bytes: number }>(`SELECT ${WAL_SINCE_CHECKPOINT} AS bytes`);
      return checkpointPast(sql, result.rows[0]?.bytes ?? 0, maxBytes);
    },
  };
}

async function openPendingList(sql: Sql): Promise<void> {
  await sql.exec('ALTER INDEX passages_tsv SET (fastupdate = on)');
}

/** Checkpoints when `bytes` of log since the last checkpoint passed `maxBytes`; returns whether it did. */
async function checkpointPast(sql: Sql, bytes: number, maxBytes: number): Promise<boolean> {
  if (bytes <= maxBytes) return false;
  await sql.exec('CHECKPOINT');
  return true;
}
