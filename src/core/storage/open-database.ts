import os from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { LocusError, isLocusError } from '../../shared/errors';
import { systemClock, type Clock } from '../clock';
import { MIN_SHARED_BUFFERS_MB, folderBytes, sharedBuffersMb } from './buffer-cache';
import { dataDirLayout } from './data-dir';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { migrate, type MigrateResult } from './migrate';
import { migrations as knownMigrations, type Migration } from './migrations/registry';

export interface OpenDatabaseOptions {
  /** The Locus data folder. Omit for an in-memory database (tests, throwaway runs). */
  dataDir?: string;
  /** A dumped, already-migrated data dir to start from (tests use this to skip initdb). */
  template?: Blob;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Defaults to Locus's own migration list; tests pass others to simulate upgrades. */
  migrations?: readonly Migration[];
}

export interface Database {
  readonly pg: PGlite;
  readonly dataDir: string | undefined;
  readonly migration: MigrateResult;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the memory database: lock first, then PGlite with
 * pgvector, then migrations. The lock is released if anything after it fails.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const clock = options.clock ?? systemClock;
  let lock: DataDirLock | undefined;
  let pg: PGlite | undefined;
  try {
    if (options.dataDir !== undefined) lock = acquireDataDirLock({ dataDir: options.dataDir });
    const location =
      options.dataDir === undefined ? undefined : dataDirLayout(options.dataDir).database;
    const buffersMb =
      location === undefined
        ? MIN_SHARED_BUFFERS_MB
        : sharedBuffersMb(folderBytes(location), os.totalmem());
    pg = await PGlite.create(location, {
      extensions: { vector },
      startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${buffersMb}MB`],
      ...(options.template ? { loadDataDir: options.template } : {}),
    });
    await pg.exec('CREATE EXTENSION IF NOT EXISTS vector');
    // Filtered vector searches (by agent, tag, date) keep scanning the HNSW
    // index until enough rows pass the filter instead of returning too few.
    await pg.exec("SET hnsw.iterative_scan = 'relaxed_order'");
    // Hybrid search takes 100 vector candidates (archival-memory.ts); with
    // pgvector's default of 40 the index's top 10 held only 85% of the true
    // nearest 10 at 10k passages (bench/ scale suite).
    await pg.exec('SET hnsw.ef_search = 100');
    const migration = await migrate({
      db: pg,
      migrations: options.migrations ?? knownMigrations,
      clock,
    });
    const opened = pg;
    const heldLock = lock;
    let closed = false;
    return {
      pg: opened,
      dataDir: options.dataDir,
      migration,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await opened.close();
        } finally {
          heldLock?.release();
        }
      },
    };
  } catch (error) {
    await pg?.close().catch(() => undefined);
    lock?.release();
    if (isLocusError(error)) throw error;
    throw new LocusError(
      'DATABASE_OPEN_FAILED',
      `Locus could not open its memory database${options.dataDir ? ` in ${options.dataDir}` : ''}: ${(error as Error).message}. If the folder was copied or edited by hand, restore it from a backup.`,
      options.dataDir ? { dataDir: options.dataDir } : undefined,
    );
  }
}
