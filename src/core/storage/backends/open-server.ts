import crypto from 'node:crypto';
import pg from 'pg';
import { LocusError } from '../../../shared/errors';
import type { Coordination } from '../coordination';
import { SERVER_SESSION_SETTINGS } from '../session-settings';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url';
import { createServerCoordination } from './server-coordination';
import { ServerDb } from './server-db';
import { connectError } from './server-errors';
import { serverTypeParsers } from './server-types';

/** The oldest server Locus's SQL is written and tested for. */
export const MIN_SERVER_VERSION = 150000;
/** halfvec and the HNSW options Locus sets arrived in 0.7; 0.8 adds iterative scans. */
const MIN_PGVECTOR = [0, 7, 0];
/** Connections a core uses for statements; a turn holds one more for its lock. */
const POOL_SIZE = 6;
const CONNECT_TIMEOUT_MS = 15_000;

export interface ServerConnection {
  db: ServerDb;
  coordination: Coordination;
  target: DatabaseTarget;
  /** server_version_num, e.g. 150020. */
  serverVersion: number;
  pgvectorVersion: string;
  close(): Promise<void>;
}

function versionAtLeast(version: string, minimum: number[]): boolean {
  const parts = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < minimum.length; i++) {
    const have = parts[i] ?? 0;
    const want = minimum[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
}

/** Makes sure pgvector is there, creating it if this role may; explains what to do otherwise. */
async function ensurePgvector(client: pg.Client, target: DatabaseTarget): Promise<string> {
  const installed = async () =>
    (
      await client.query<{ v: string }>(
        "SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'",
      )
    ).rows[0]?.v;
  let version = await installed();
  if (version === undefined) {
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Another process created it at the same moment.
      if (code !== '23505') {
        const missing = code === '0A000' || code === '58P01';
        throw new LocusError(
          'DATABASE_EXTENSION_MISSING',
          missing
            ? `The PostgreSQL server at ${target.server} does not have pgvector installed, which Locus needs for search by meaning. Install it on the server (Debian/Ubuntu: the postgresql-<version>-pgvector package, or build it from source; containers: the pgvector/pgvector image), then try again.`
            : `pgvector is installed on ${target.server} but not enabled in the database "${target.database}", and this role may not enable it (${(error as Error).message}). Ask an administrator to run: CREATE EXTENSION vector; in that database.`,
          { server: target.server, database: target.database },
        );
      }
    }
    version = await installed();
  }
  if (version === undefined || !versionAtLeast(version, MIN_PGVECTOR)) {
    throw new LocusError(
      'DATABASE_UNSUPPORTED',
      `The database "${target.database}" has pgvector ${version ?? '(none)'}; Locus needs ${MIN_PGVECTOR.join('.')} or newer. Ask an administrator to run: ALTER EXTENSION vector UPDATE;`,
      { server: target.server, database: target.database },
    );
  }
  return version;
}

/**
 * Connects to a PostgreSQL server: checks its version and pgvector, learns
 * its array types (so results parse as PGlite's do), and opens the pools for
 * statements and locks and the connection that listens for changes.
 */
export async function connectServer(options: {
  url: string;
  /** Identifies this process in change notifications; defaults to a random id. */
  instanceId?: string;
}): Promise<ServerConnection> {
  const target = parseDatabaseUrl(options.url);
  const instanceId = options.instanceId ?? crypto.randomUUID();
  const base: pg.ClientConfig = {
    connectionString: target.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'locus',
    // A server that vanishes without closing the socket (a sleeping laptop's
    // network, a pulled cable) is noticed instead of hanging a call forever.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };

  const probe = new pg.Client(base);
  probe.on('error', () => undefined);
  let serverVersion: number;
  let pgvectorVersion: string;
  let arrayTypes: Array<{ array: number; element: number }>;
  try {
    await probe.connect();
    serverVersion = Number(
      (await probe.query<{ v: string }>("SELECT current_setting('server_version_num') AS v"))
        .rows[0]?.v,
    );
    if (!(serverVersion >= MIN_SERVER_VERSION)) {
      throw new LocusError(
        'DATABASE_UNSUPPORTED',
        `The PostgreSQL server at ${target.server} is version ${Math.floor(serverVersion / 10000)}; Locus needs PostgreSQL 15 or newer with pgvector.`,
        { server: target.server, serverVersion },
      );
    }
    pgvectorVersion = await ensurePgvector(probe, target);
    arrayTypes = (
      await probe.query<{ array: number; element: number }>(
        `SELECT oid::int AS array, typelem::int AS element FROM pg_type
         WHERE typcategory = 'A' AND typelem <> 0`,
      )
    ).rows;
  } catch (error) {
    throw connectError(error, target);
  } finally {
    await probe.end().catch(() => undefined);
  }

  const types = serverTypeParsers(arrayTypes);
  const session = [
    ...SERVER_SESSION_SETTINGS,
    // The change_notifications migration's triggers announce writes of
    // sessions that set these (PGlite's never do: it has no other process).
    `SET locus.instance = '${instanceId.replace(/'/g, '')}'`,
    "SET locus.notify = 'on'",
  ].join(';\n');
  const pool = new pg.Pool({
    ...base,
    types,
    max: POOL_SIZE,
    idleTimeoutMillis: 30_000,
    onConnect: async (client) => {
      await client.query(session);
    },
  });
  const lockPool = new pg.Pool({ ...base, max: 32, idleTimeoutMillis: 30_000 });
  // An idle connection that breaks (the server restarted) is dropped and
  // replaced on next use; without a handler it would crash the process.
  pool.on('error', () => undefined);
  lockPool.on('error', () => undefined);

  let coordination: Coordination;
  try {
    coordination = await createServerCoordination({ lockPool, listenConfig: base, instanceId });
  } catch (error) {
    await Promise.all([pool.end(), lockPool.end()]).catch(() => undefined);
    throw connectError(error, target);
  }
  let closed = false;
  return {
    db: new ServerDb(pool, target),
    coordination,
    target,
    serverVersion,
    pgvectorVersion,
    async close() {
      if (closed) return;
      closed = true;
      await coordination.close();
      await Promise.allSettled([pool.end(), lockPool.end()]);
    },
  };
}
