import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { LocusError, isLocusError } from '../../shared/errors';
import { systemClock, type Clock } from '../clock';
import { parseDatabaseUrl } from './backends/database-url';
import { openPglite } from './backends/open-pglite';
import { connectServer, type ServerConnection } from './backends/open-server';
import type { ServerDb } from './backends/server-db';
import { createLocalCoordination, type Coordination } from './coordination';
import { listBackups } from '../backup/backup-list';
import { dataDirLayout } from './data-dir';
import { fileSystemError } from './durable-files';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { dropTemplateDatabases } from './pglite-settings';
import { migrate, type MigrateResult } from './migrate';
import { migrations as knownMigrations, type Migration } from './migrations/registry';
import { finishInterruptedRestore, type RestoreRecovery } from './restore-swap';

export interface OpenDatabaseOptions {
  /** The Locus data folder. Omit for an in-memory database (tests, throwaway runs). */
  dataDir?: string;
  /**
   * A PostgreSQL server (postgres://…) that holds the memory instead of the
   * data folder's embedded database. The folder, when given, still holds
   * models, backups and the capture journal, and is still locked.
   */
  url?: string;
  /** A dumped, already-migrated data dir to start from (tests use this to skip initdb). Embedded only. */
  template?: Blob;
  /** Defaults to the system clock. */
  clock?: Clock;
  /** Defaults to Locus's own migration list; tests pass others to simulate upgrades. */
  migrations?: readonly Migration[];
  /**
   * A database folder to open directly, without a data folder's lock or
   * restore recovery: for a caller that already holds the lock (a restore
   * building its staging copy). Embedded only.
   */
  directory?: string;
}

interface DatabaseBase {
  readonly dataDir: string | undefined;
  readonly migration: MigrateResult;
  /** Locks and change notifications across the processes sharing this database. */
  readonly coordination: Coordination;
  /** Where memory lives, for people: the data folder, or the server URL without its password. */
  readonly location: string;
  /** A restore interrupted earlier that this open finished or undid; tell the user. */
  readonly restoreRecovery: RestoreRecovery | null;
  close(): Promise<void>;
}

/** The default: PGlite in the data folder (or in memory). */
export interface EmbeddedDatabase extends DatabaseBase {
  readonly backend: 'pglite';
  readonly pg: PGlite;
}

/** A PostgreSQL server shared by any number of Locus processes. */
export interface ServerDatabase extends DatabaseBase {
  readonly backend: 'postgres';
  readonly pg: ServerDb;
  readonly server: Pick<
    ServerConnection,
    'target' | 'serverVersion' | 'pgvectorVersion' | 'coordination'
  >;
}

export type Database = EmbeddedDatabase | ServerDatabase;

/**
 * Opens (creating if needed) the memory database: lock first, then the
 * backend (PGlite with pgvector, or a server), then migrations. Everything
 * taken is released if a later step fails.
 */
export function openDatabase(
  options: OpenDatabaseOptions & { url: string },
): Promise<ServerDatabase>;
export function openDatabase(
  options?: OpenDatabaseOptions & { url?: undefined },
): Promise<EmbeddedDatabase>;
export function openDatabase(options?: OpenDatabaseOptions): Promise<Database>;
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const clock = options.clock ?? systemClock;
  const migrations = options.migrations ?? knownMigrations;
  if (options.url !== undefined && (options.template || options.directory !== undefined)) {
    throw new RangeError('a template or directory is a PGlite data dir; it cannot seed a server');
  }
  // A bad URL is reported before anything is locked or opened.
  const target = options.url === undefined ? undefined : parseDatabaseUrl(options.url);
  let lock: DataDirLock | undefined;
  let close: (() => Promise<void>) | undefined;
  let restoreRecovery: RestoreRecovery | null = null;
  try {
    if (options.dataDir !== undefined) {
      lock = acquireDataDirLock({ dataDir: options.dataDir });
      // A restore swaps the embedded database's folder; a server's memory is not in it.
      if (!target) {
        restoreRecovery = finishInterruptedRestore(options.dataDir);
        refuseToReplaceMovedDatabase(options.dataDir);
      }
    }
    const heldLock = lock;
    let closed = false;
    const closeOnce = (inner: () => Promise<void>) => async () => {
      if (closed) return;
      closed = true;
      try {
        await inner();
      } finally {
        heldLock?.release();
      }
    };
    if (target) {
      const server = await connectServer({ url: target.url });
      close = () => server.close();
      // Two processes opening a new database at once must not both migrate it.
      const release = await server.coordination.lock('migrate');
      let migration: MigrateResult;
      try {
        migration = await migrate({ db: server.db, migrations, clock });
      } finally {
        await release();
      }
      return {
        backend: 'postgres',
        pg: server.db,
        server,
        coordination: server.coordination,
        dataDir: options.dataDir,
        location: target.display,
        migration,
        restoreRecovery,
        close: closeOnce(close),
      };
    }
    const directory =
      options.directory ??
      (options.dataDir === undefined ? undefined : dataDirLayout(options.dataDir).database);
    if (directory !== undefined) checkWritable(directory);
    const pg = await openPglite({
      ...(directory !== undefined ? { directory } : {}),
      ...(options.template ? { template: options.template } : {}),
    });
    close = () => pg.close();
    const migration = await migrate({ db: pg, migrations, clock });
    if (directory !== undefined && migration.applied.length > 0) await dropTemplateDatabases(pg);
    const coordination = createLocalCoordination();
    return {
      backend: 'pglite',
      pg,
      coordination,
      dataDir: options.dataDir,
      location: options.dataDir ?? options.directory ?? 'memory',
      migration,
      restoreRecovery,
      close: closeOnce(close),
    };
  } catch (error) {
    await close?.().catch(() => undefined);
    lock?.release();
    if (isLocusError(error)) throw error;
    const mapped = fileSystemError(error, options.dataDir ?? 'the database');
    if (isLocusError(mapped)) throw mapped;
    const reason = (error as Error).message.replace(/[.\s]+$/, '');
    throw new LocusError(
      'DATABASE_OPEN_FAILED',
      `Locus could not open its memory database${options.dataDir ? ` in ${options.dataDir}` : ''}: ${reason}. ${options.dataDir ? wayBack(options.dataDir) : 'If the folder was copied or edited by hand, restore it from a backup.'}`,
      options.dataDir ? { dataDir: options.dataDir } : undefined,
    );
  }
}

/**
 * What to do about a database that no longer opens: "restore it from a
 * backup" left the user to find out how, and whether there was one.
 */
function wayBack(dataDir: string): string {
  const layout = dataDirLayout(dataDir);
  // An embedded database is restored from a .tar.gz (a server's .pgdump is not one).
  const newest = listBackups(dataDir).find((b) => b.file.endsWith('.tar.gz'));
  if (newest) {
    return `Put a backup in its place (the damaged one is kept aside): locus backup restore "${newest.file}" is the newest; locus backup list shows them all.`;
  }
  return `There is no backup in ${layout.backups}. To start with an empty memory, move ${layout.database} aside (keep it: it may still be recoverable).`;
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
