import crypto from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { EMPTY_TEMPLATE, MIGRATED_TEMPLATE } from './postgres-setup';

/**
 * Which backend this test file runs on: vitest.config.ts runs the
 * conformance suite once per backend (projects "pglite" and "postgres").
 */
export function testBackend(): 'pglite' | 'postgres' {
  return inject('backend') ?? 'pglite';
}

export function onServer(): boolean {
  return testBackend() === 'postgres';
}

/** The test cluster (postgres project only). */
export function testServer() {
  const server = inject('postgres');
  if (!server) throw new Error('no PostgreSQL test server in this project');
  const url = (database: string, role?: { user: string; password: string }) => {
    const who = role ?? server;
    return `postgres://${encodeURIComponent(who.user)}:${encodeURIComponent(who.password)}@127.0.0.1:${server.port}/${database}`;
  };
  return { ...server, url };
}

/** Runs SQL as the cluster's superuser on `database` (setup only, never through Locus). */
export async function adminQuery(database: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client(testServer().url(database));
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * A new database on the test server, copied from the migrated template (or
 * from one with only pgvector when `migrated` is false); returns its URL and
 * a function that drops it.
 */
export async function createServerDatabase(
  options: { migrated?: boolean } = {},
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const template = options.migrated === false ? EMPTY_TEMPLATE : MIGRATED_TEMPLATE;
  await adminQuery('postgres', `CREATE DATABASE ${name} TEMPLATE ${template}`);
  return {
    name,
    url: testServer().url(name),
    drop: async () => {
      await adminQuery('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
