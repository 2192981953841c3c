import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { LocusError, isLocusError } from '../../shared/errors';
import { systemClock, type Clock } from '../clock';
import { MIN_SHARED_BUFFERS_MB, folderBytes, sharedBuffersMb } from './buffer-cache';
import { dataDirLayout } from './data-dir';
import { fileSystemError } from './durable-files';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { INITDB_PARAMS, dropTemplateDatabases, serverParams } from './pglite-settings';
import { migrate, type MigrateResult } from './migrate';
import { migrations as knownMigrations, type Migration } from './migrations/registry';
import { finishInterruptedRestore, type RestoreRecovery } from './restore-swap';

export interface OpenDatabaseOptions {
  /** The Locus data folder. Omit for an in-memory database (tests, throwaway runs). */
  dataDir?: string;
  /** A dumped, already-migrated data dir to start from (tests use this to skip initdb). */
  template?: Blob;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Defaults to Locus's own migration list; tests pass others to simulate upgrades. */
  migrations?: readonly Migration[];
  /**
   * A database folder to open directly, without a data folder's lock or
   * restore recovery: for a caller that already holds the lock (a restore
   * building its staging copy).
   */
  directory?: string;
}

export interface Database {
  readonly pg: PGlite;
  readonly dataDir: string | undefined;
  readonly migration: MigrateResult;
  /** A restore interrupted earlier that this open finished or undid; tell the user. */
  readonly restoreRecovery: RestoreRecovery | null;
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
  let restoreRecovery: RestoreRecovery | null = null;
  try {
    if (options.dataDir !== undefined) {
      lock = acquireDataDirLock({ dataDir: options.dataDir });
      restoreRecovery = finishInterruptedRestore(options.dataDir);
      refuseToReplaceMovedDatabase(options.dataDir);
    }
    const location =
      options.directory ??
      (options.dataDir === undefined ? undefined : dataDirLayout(options.dataDir).database);
    if (location !== undefined) checkWritable(location);
    const buffersMb =
      location === undefined
        ? MIN_SHARED_BUFFERS_MB
        : sharedBuffersMb(folderBytes(location), os.totalmem());
    pg = await PGlite.create(location, {
      extensions: { vector },
      startParams: [...PGlite.defaultStartParams, ...serverParams(buffersMb)],
      initDbStartParams: [...INITDB_PARAMS],
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
    if (location !== undefined && migration.applied.length > 0) await dropTemplateDatabases(pg);
    const opened = pg;
    const heldLock = lock;
    let closed = false;
    return {
      pg: opened,
      dataDir: options.dataDir,
      migration,
      restoreRecovery,
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
    const mapped = fileSystemError(error, options.dataDir ?? 'the database');
    if (isLocusError(mapped)) throw mapped;
    throw new LocusError(
      'DATABASE_OPEN_FAILED',
      `Locus could not open its memory database${options.dataDir ? ` in ${options.dataDir}` : ''}: ${(error as Error).message}. If the folder was copied or edited by hand, restore it from a backup.`,
      options.dataDir ? { dataDir: options.dataDir } : undefined,
    );
  }
}

/**
 * A data folder whose database is gone while a database moved aside by a
 * restore is still there (a restore interrupted by an older Locus) must not
 * silently start empty: the user's memory is in the moved folder.
 */
function refuseToReplaceMovedDatabase(dataDir: string): void {
  const database = dataDirLayout(dataDir).database;
  if (fs.existsSync(database)) return;
  const base = path.basename(database);
  const moved = fs
    .readdirSync(dataDir)
    .filter((name) => name.startsWith(`${base}.before-restore-`))
    .sort();
  const latest = moved.at(-1);
  if (!latest) return;
  throw new LocusError(
    'DATABASE_OPEN_FAILED',
    `The memory database in ${dataDir} is missing, but the one a restore moved aside is still there: ${path.join(dataDir, latest)}. Run "locus backup restore <file>" again, or rename that folder back to "${base}" (delete it only if you want to start with an empty memory).`,
    { dataDir, previous: path.join(dataDir, latest) },
  );
}

/**
 * PGlite reports a read-only database folder only as "failed to initialize",
 * which read as damage ("restore it from a backup"); a write probe first
 * names the real problem (DATA_DIR_READ_ONLY).
 */
function checkWritable(location: string): void {
  if (!fs.existsSync(location)) return;
  const probe = path.join(location, '.locus-write-check');
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw fileSystemError(error, location);
  }
}
