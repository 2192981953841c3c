import type { PGlite } from '@electric-sql/pglite';
import { LocusError, isLocusError } from '../../shared/errors';
import { systemClock, type Clock } from '../clock';
import { parseDatabaseUrl } from './backends/database-url';
import { openPglite } from './backends/open-pglite';
import { connectServer, type ServerConnection } from './backends/open-server';
import type { ServerDb } from './backends/server-db';
import { createLocalCoordination, type Coordination } from './coordination';
import { acquireDataDirLock, type DataDirLock } from './lock';
import { migrate, type MigrateResult } from './migrate';
import { migrations as knownMigrations, type Migration } from './migrations/registry';

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
}

interface DatabaseBase {
  readonly dataDir: string | undefined;
  readonly migration: MigrateResult;
  /** Locks and change notifications across the processes sharing this database. */
  readonly coordination: Coordination;
  /** Where memory lives, for people: the data folder, or the server URL without its password. */
  readonly location: string;
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
  if (options.url !== undefined && options.template) {
    throw new RangeError('a template is a PGlite data dir; it cannot seed a server database');
  }
  // A bad URL is reported before anything is locked or opened.
  const target = options.url === undefined ? undefined : parseDatabaseUrl(options.url);
  let lock: DataDirLock | undefined;
  let close: (() => Promise<void>) | undefined;
  try {
    if (options.dataDir !== undefined) lock = acquireDataDirLock({ dataDir: options.dataDir });
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
        close: closeOnce(close),
      };
    }
    const pg = await openPglite({
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.template ? { template: options.template } : {}),
    });
    close = () => pg.close();
    const migration = await migrate({ db: pg, migrations, clock });
    const coordination = createLocalCoordination();
    return {
      backend: 'pglite',
      pg,
      coordination,
      dataDir: options.dataDir,
      location: options.dataDir ?? 'memory',
      migration,
      close: closeOnce(close),
    };
  } catch (error) {
    await close?.().catch(() => undefined);
    lock?.release();
    if (isLocusError(error)) throw error;
    throw new LocusError(
      'DATABASE_OPEN_FAILED',
      `Locus could not open its memory database${options.dataDir ? ` in ${options.dataDir}` : ''}: ${(error as Error).message}. If the folder was copied or edited by hand, restore it from a backup.`,
      options.dataDir ? { dataDir: options.dataDir } : undefined,
    );
  }
}
