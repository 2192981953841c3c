import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { findPostgres, startCluster } from '../../scripts/postgres/cluster';
import { openDatabase } from '../../src/core/storage/open-database';

/** A migrated database each test copies (CREATE DATABASE … TEMPLATE), like PGlite's dumped template. */
export const MIGRATED_TEMPLATE = 'locus_template';
/** pgvector enabled and nothing else: for tests that migrate step by step. */
export const EMPTY_TEMPLATE = 'locus_empty';

/**
 * Starts a throwaway PostgreSQL cluster for the server half of the
 * conformance suite. Missing binaries fail the run when CI asks for the
 * server (LOCUS_REQUIRE_POSTGRES=1); vitest.config.ts leaves this project
 * out, with a message, on a developer machine without them.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const found = findPostgres();
  if (!found.ok) {
    throw new Error(
      `The PostgreSQL half of the test suite needs PostgreSQL 15+ with pgvector (${found.reason}). Install it with scripts/postgres/install-server.sh, or set LOCUS_PG_BIN.`,
    );
  }
  const cluster = await startCluster({ install: found });
  try {
    const admin = new pg.Client(cluster.url('postgres'));
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${EMPTY_TEMPLATE}`);
      await admin.query(`CREATE DATABASE ${MIGRATED_TEMPLATE}`);
    } finally {
      await admin.end();
    }
    const empty = new pg.Client(cluster.url(EMPTY_TEMPLATE));
    await empty.connect();
    await empty.query('CREATE EXTENSION vector');
    await empty.end();
    const migrated = await openDatabase({ url: cluster.url(MIGRATED_TEMPLATE) });
    await migrated.close();
  } catch (error) {
    cluster.destroy();
    throw error;
  }
  project.provide('postgres', {
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    dir: cluster.dir,
    bin: found.bin,
    major: found.major,
  });
  return () => cluster.destroy();
}

declare module 'vitest' {
  export interface ProvidedContext {
    backend: 'pglite' | 'postgres';
    postgres: {
      port: number;
      user: string;
      password: string;
      /** The cluster's folder: its Unix socket and data/ are there. */
      dir: string;
      bin: string;
      major: number;
    };
  }
}
