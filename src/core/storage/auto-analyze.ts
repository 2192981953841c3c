import { PGlite } from '@electric-sql/pglite';
import { WAL_CHECKPOINT_BYTES } from './pglite-settings';
import { GROWING_TABLES, createMaintenanceRepo, type GrowingTable } from './repos/maintenance-repo';
import type { Sql } from './sql';

/** Writes between checks. */
const CHECK_EVERY = 500;
/** Re-analyse when a table grew by this share since the planner last looked. */
const GROWTH = 0.2;

/**
 * PGlite runs no autovacuum, so without this the planner keeps the row
 * counts of an empty database forever and, at 10k+ passages, scans every
 * row instead of using the full-text index (40 ms instead of 2 ms at 1k),
 * and the small tables rewritten on every message keep every dead version
 * (REWRITTEN_TABLES), so each check also vacuums those (~25 ms).
 * Writers only count; checks run at safe points outside transactions.
 */
export function createAutoAnalyze(sql: Sql) {
  const repo = createMaintenanceRepo(sql);
  let writes = 0;
  /**
   * `loaded`: tables a bulk load just wrote, analysed whatever their row
   * estimate says: building an index sets the estimate to the new row count
   * but leaves the statistics (how many agents, which words are common) as
   * they were, so growth alone would never be seen.
   */
  async function check(loaded: readonly GrowingTable[] = []): Promise<string[]> {
    writes = 0;
    // Bulk loads leave the word index's pending list to this point (maintenance-repo.ts).
    await repo.settleWordIndex();
    const analysed: string[] = [];
    for (const table of GROWING_TABLES) {
      const { rows, planned } = await repo.rowEstimate(table);
      const stale = planned < 0 || rows > planned * (1 + GROWTH) + 100;
      if (rows > 0 && (stale || loaded.includes(table))) {
        await repo.analyze(table);
        analysed.push(table);
      }
    }
    await repo.vacuumRewrittenTables();
    // A server checkpoints by itself; PGlite's single backend never does.
    if (sql instanceof PGlite) await repo.checkpointIfWalOver(WAL_CHECKPOINT_BYTES);
    return analysed;
  }
  return {
    noteWrites(count = 1): void {
      writes += count;
    },
    /** Analyses stale tables once enough writes were noted; returns the tables analysed. */
    async maybeAnalyze(): Promise<string[]> {
      return writes >= CHECK_EVERY ? check() : [];
    },
    /** Checks now, whatever the count (at open, after imports and bulk loads). */
    check,
  };
}
export type AutoAnalyze = ReturnType<typeof createAutoAnalyze>;
