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
/** Embedding at least this many rows rebuilds the vector index instead of updating it. */
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
/**
 * A bulk load keeps the vector index when the table already holds this many
 * times its rows. Inserting into a live graph costs a few times more per row
 * than building one, but a rebuild pays for every row already there.
 */
const KEEP_GRAPH_RATIO = 4;
/** A deferred index is built once bulk writes have paused this long. */
const INDEX_AFTER_IDLE_MS = 2000;

/**
 * Keeps every stored vector (passages and messages) from the current
 * embedder: one model's vectors are meaningless next to another's.
 */
export function createVectorUpkeep(options: {
  db: Db;
  embedder: Embedder;
  /** How long bulk writes must pause before a deferred index is built. Defaults to 2 s. */
  indexAfterIdleMs?: number;
  /**
   * Whether bulk loads drop the vector index and build it again after.
   * Defaults to true (PGlite, one process). A server keeps it: building an
   * index holds a lock that makes every other device's writes to the table
   * wait until it is done, and its searches scan exactly meanwhile; and a
   * native server inserts into a live graph quickly.
   */
  deferIndexes?: boolean;
  /**
   * Runs after deferred indexes were built: bulk loads leave the planner's
   * statistics to this point instead of re-analysing the growing table after
   * every batch (an ANALYZE of a 10k-passage table costs ~0.1-0.2 s of CPU).
   */
  afterDeferredBuild?: (tables: VectorTable[]) => Promise<unknown>;
}) {
  const { db, embedder } = options;
  const indexAfterIdleMs = options.indexAfterIdleMs ?? INDEX_AFTER_IDLE_MS;
  const deferred = new Set<VectorTable>();
  /** Tables being re-embedded without their index: the run builds it when it ends. */
  const reembedding = new Set<VectorTable>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let building: Promise<void> = Promise.resolve();
  /** Loads that kept their index (deferIndexes false) and still want afterDeferredBuild. */
  const analyzeDue = new Set<VectorTable>();

  /** Builds every index a bulk load dropped; later loads may drop them again. */
  function buildDeferred(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    // A failed build leaves the table in `deferred`'s past: the next open
    // builds a missing index, and later loads must not inherit the failure.
    building = building
      .catch(() => undefined)
      .then(async () => {
        // A server keeps its index through loads, but the loads' statistics still wait for this.
        const built = new Set(analyzeDue);
        analyzeDue.clear();
        for (const table of [...deferred]) {
          // Built mid-run, the graph would take every later batch row by row.
          if (reembedding.has(table)) continue;
          deferred.delete(table);
          await createVectorsRepo(db, table).createVectorIndex();
          built.add(table);
        }
        if (built.size > 0) await options.afterDeferredBuild?.([...built]);
      });
    return building;
  }

  /** Whether `table`'s graph exists and already holds many times `rows` (see deferIndex). */
  async function graphDwarfs(table: VectorTable, rows: number): Promise<boolean> {
    if (!(await createVectorsRepo(db, table).hasVectorIndex())) return false;
    const { rows: stored } = await createMaintenanceRepo(db).rowEstimate(table);
    return stored >= rows * KEEP_GRAPH_RATIO;
  }

  return {
    /**
     * Drops `table`'s vector index ahead of a bulk load: writing thousands of
     * rows into a live HNSW graph runs at ~100 rows/s in WebAssembly, building
     * the graph once afterwards is many times faster. It is built when the
     * writes pause (or at flush/close); until then vector search scans exactly.
     * A load of `rows` that is small beside the rows already in the graph
     * keeps it: rebuilding it costs every existing row again (~2 minutes of
     * CPU at 100k passages, during which the database answers nothing else),
     * inserting into it only the new ones.
     */
    async deferIndex(table: VectorTable, rows?: number): Promise<void> {
      await building.catch(() => undefined);
      const keep =
        options.deferIndexes === false ||
        (rows !== undefined && !deferred.has(table) && (await graphDwarfs(table, rows)));
      if (keep) analyzeDue.add(table);
      else {
        deferred.add(table);
        await createVectorsRepo(db, table).dropVectorIndex();
      }
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        buildDeferred().catch(() => {
          // Left for the next flush or open (vector upkeep builds a missing index).
        });
      }, indexAfterIdleMs);
      timer.unref?.();
    },

    /** Builds any index a bulk load deferred now; the core calls it before closing. */
    flush(): Promise<void> {
      return buildDeferred();
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
        if (counts[table] === 0) await repo.createVectorIndex();
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
        await repo.createVectorIndex();
        return { embedded: 0 };
      }
      // Writing rows into a live HNSW index one by one is several times
      // slower than building it once afterwards (bench/ scale suite). If the
      // run is cancelled, search scans exactly until the next run ends.
      const rebuild = total >= REBUILD_INDEX_FROM;
      if (rebuild) {
        reembedding.add(table);
        // A build already under way would otherwise finish after the drop.
        await building.catch(() => undefined);
        await repo.dropVectorIndex();
      }
      try {
        return await embedAll(repo, table, run, batchSize, total);
      } finally {
        if (rebuild) reembedding.delete(table);
      }
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
    await repo.createVectorIndex();
    // Built now: a load's deferred build has nothing left to do here.
    deferred.delete(table);
    const maintenance = createMaintenanceRepo(db);
    const { rows } = await maintenance.rowEstimate(table);
    if (embedded >= Math.max(MIN_ANALYZED, rows * ANALYZE_SHARE)) await maintenance.analyze(table);
    return { embedded };
  }
}
export type VectorUpkeep = ReturnType<typeof createVectorUpkeep>;
