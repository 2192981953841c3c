import { LocusError } from '../../shared/errors';
import { yieldToEventLoop } from '../event-loop';
import type { Embedder, ProgressListener } from '../models/embedder';
import { createMaintenanceRepo } from '../storage/repos/maintenance-repo';
import { createSettingsRepo } from '../storage/repos/settings-repo';
import { createVectorsRepo, type VectorTable } from '../storage/repos/vectors-repo';
import type { Db } from '../storage/sql';

export interface EmbedderSync {
  /** True when the stored vectors came from another embedder and were cleared. */
  switched: boolean;
  /** Passages still waiting for an embedding. */
  pending: number;
  /** Messages still waiting for an embedding (embedded in the background). */
  pendingMessages: number;
}

export interface EmbedPendingOptions {
  /** Defaults to 64. */
  batchSize?: number;
  onProgress?: ProgressListener;
  /** Checked between batches: what was embedded stays, the rest waits for the next run. */
  signal?: AbortSignal;
}

const EMBEDDER_KEY = 'embedder';
const TABLES: readonly VectorTable[] = ['passages', 'messages'];
/** Embedding at least this many rows rebuilds a server's sign graph instead of updating it. */
const REBUILD_INDEX_FROM = 1000;
/**
 * A run that gave vectors to at least this share of a table (and at least
 * MIN_ANALYZED rows) refreshes the planner's statistics: taken while the
 * vectors were missing, they say almost no row has one, and the planner
 * then sorts every row by distance instead of walking the HNSW index (recall
 * search 270 ms instead of ~10 at 100k messages, bench/ scale suite).
 * Auto-analyze only watches row counts, which a re-embed does not change.
 */
const ANALYZE_SHARE = 0.2;
const MIN_ANALYZED = 100;
/** A bulk load's tables are analysed once bulk writes have paused this long. */
const ANALYZE_AFTER_IDLE_MS = 2000;

/**
 * Keeps every stored vector (passages and messages) from the current
 * embedder: one model's vectors are meaningless next to another's.
 */
export function createVectorUpkeep(options: {
  db: Db;
  embedder: Embedder;
  /** How long bulk writes must pause before their tables are analysed. Defaults to 2 s. */
  indexAfterIdleMs?: number;
  /**
   * Whether each table keeps an HNSW graph over its vectors' signs. Defaults
   * to true: a server, where every process searches through it and a native
   * build is quick. PGlite has none (false): its one process holds the signs
   * and ranks them itself (sign-index.ts), where a graph cost ~0.3 ms of
   * CPU a row to build in WebAssembly after every bulk load and held up
   * every other query meanwhile; a graph an earlier version built is dropped.
   */
  signGraphs?: boolean;
  /**
   * Runs once bulk loads have paused: they leave the planner's statistics to
   * this point instead of re-analysing the growing table after every batch
   * (an ANALYZE of a 10k-passage table costs ~0.1-0.2 s of CPU).
   */
  afterBulkLoads?: (tables: VectorTable[]) => Promise<unknown>;
}) {
  const { db, embedder } = options;
  const idleMs = options.indexAfterIdleMs ?? ANALYZE_AFTER_IDLE_MS;
  const signGraphs = options.signGraphs ?? true;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let settling: Promise<void> = Promise.resolve();
  /** Tables bulk-loaded since their last analysis. */
  const analyzeDue = new Set<VectorTable>();

  /** The table's graph where there is one, dropped where there is none. */
  function settleGraph(repo: ReturnType<typeof createVectorsRepo>): Promise<void> {
    return signGraphs ? repo.createVectorIndex() : repo.dropVectorIndex();
  }

  function settleLoads(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    settling = settling
      .catch(() => undefined)
      .then(async () => {
        const due = [...analyzeDue];
        analyzeDue.clear();
        if (due.length > 0) await options.afterBulkLoads?.(due);
      });
    return settling;
  }

  return {
    /**
     * A bulk load into `table` is under way: its statistics are refreshed
     * once the writes pause (or at flush). A server's graph stays through it
     * (rebuilding it would hold up every other device's writes, and a native
     * server inserts into a live graph quickly).
     */
    noteBulkLoad(table: VectorTable): void {
      analyzeDue.add(table);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        settleLoads().catch(() => {
          // Left to auto-analyze.
        });
      }, idleMs);
      timer.unref?.();
    },

    /** Finishes what bulk loads left for their pause now; the core calls it before closing. */
    flush(): Promise<void> {
      return settleLoads();
    },

    /**
     * Makes the vector columns match the embedder. After a switch the old
     * vectors are cleared; text search keeps working until they are
     * embedded again. A column that never had a dimension (a new one) is set
     * without counting as a switch. `allowSwitch` false (a database other
     * processes share) refuses another embedder instead: EMBEDDER_MISMATCH.
     */
    async sync(options: { allowSwitch?: boolean } = {}): Promise<EmbedderSync> {
      const stored = await createSettingsRepo(db).get<{ name: string; dimensions: number }>(
        EMBEDDER_KEY,
      );
      const sameModel = stored?.name === embedder.name;
      if (
        options.allowSwitch === false &&
        stored !== undefined &&
        (!sameModel || stored.dimensions !== embedder.dimensions)
      ) {
        throw new LocusError(
          'EMBEDDER_MISMATCH',
          `This memory was embedded with ${stored.name} (${stored.dimensions}-d) and this Locus uses ${embedder.name} (${embedder.dimensions}-d). Other devices share it, so it is not re-embedded behind their backs: start Locus here with the same embedder (locus models download-embedder, or --embedder), or switch every device with --switch-embedder and then restart the others.`,
          { stored, current: { name: embedder.name, dimensions: embedder.dimensions } },
        );
      }
      let switched = false;
      await db.transaction(async (tx) => {
        for (const table of TABLES) {
          const repo = createVectorsRepo(tx, table);
          const dims = await repo.columnDimensions();
          if (sameModel && dims === embedder.dimensions) continue;
          if (dims !== null) switched = true;
          await repo.resetEmbeddings(embedder.dimensions);
        }
        if (!sameModel || stored?.dimensions !== embedder.dimensions) {
          await createSettingsRepo(tx).set(EMBEDDER_KEY, {
            name: embedder.name,
            dimensions: embedder.dimensions,
          });
        }
      });
      const counts: Record<VectorTable, number> = { passages: 0, messages: 0 };
      for (const table of TABLES) {
        const repo = createVectorsRepo(db, table);
        counts[table] = await repo.countPending();
        if (counts[table] === 0 || !signGraphs) await settleGraph(repo);
      }
      return {
        switched: switched && stored !== undefined,
        pending: counts.passages,
        pendingMessages: counts.messages,
      };
    },

    countPending(table: VectorTable): Promise<number> {
      return createVectorsRepo(db, table).countPending();
    },

    /** Embeds every row of `table` that has no vector yet, in batches, reporting progress. */
    async embedPending(
      table: VectorTable,
      run: EmbedPendingOptions = {},
    ): Promise<{ embedded: number }> {
      const repo = createVectorsRepo(db, table);
      const batchSize = run.batchSize ?? 64;
      const total = await repo.countPending();
      if (total === 0) {
        await settleGraph(repo);
        return { embedded: 0 };
      }
      // Writing rows into a live HNSW index one by one is several times
      // slower than building it once afterwards (bench/ scale suite). If the
      // run is cancelled, search scans exactly until the next run ends.
      if (signGraphs && total >= REBUILD_INDEX_FROM) await repo.dropVectorIndex();
      return embedAll(repo, table, run, batchSize, total);
    },
  };

  async function embedAll(
    repo: ReturnType<typeof createVectorsRepo>,
    table: VectorTable,
    run: EmbedPendingOptions,
    batchSize: number,
    total: number,
  ): Promise<{ embedded: number }> {
    let embedded = 0;
    run.onProgress?.({ phase: 'embed', item: table, done: 0, total });
    for (;;) {
      run.signal?.throwIfAborted();
      // Between batches the process answers: timers, other clients, signals.
      await yieldToEventLoop();
      const batch = await repo.listPending(batchSize);
      if (batch.length === 0) break;
      const vectors = await embedder.embed(batch.map((row) => row.text));
      await repo.setEmbeddings(
        batch.map((row, i) => ({ id: row.id, embedding: vectors[i] as Float32Array })),
      );
      embedded += batch.length;
      run.onProgress?.({
        phase: 'embed',
        item: table,
        done: embedded,
        total: Math.max(total, embedded),
      });
    }
    await settleGraph(repo);
    const maintenance = createMaintenanceRepo(db);
    const { rows } = await maintenance.rowEstimate(table);
    if (embedded >= Math.max(MIN_ANALYZED, rows * ANALYZE_SHARE)) await maintenance.analyze(table);
    return { embedded };
  }
}
export type VectorUpkeep = ReturnType<typeof createVectorUpkeep>;
