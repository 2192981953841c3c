import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, inject } from 'vitest';
import { FakeClock } from '../../src/core/clock';
import { createCore, type Core, type CreateCoreOptions } from '../../src/core/create-core';
import type { Migration } from '../../src/core/storage/migrations/registry';
import { openDatabase, type Database } from '../../src/core/storage/open-database';
import { createServerDatabase, onServer } from './test-backend';

let template: Blob | undefined;

/** The migrated template database made once per run by global-setup.ts. */
export function templateBlob(): Blob {
  template ??= new Blob([fs.readFileSync(inject('templatePath'))]);
  return template;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  // Every cleanup runs even when one fails; the first failure is reported.
  const failures: unknown[] = [];
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()?.();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
});

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** A new server database for this test (postgres project), dropped after it. */
async function serverDatabaseUrl(migrated = true): Promise<string> {
  const created = await createServerDatabase({ migrated });
  onCleanup(created.drop);
  return created.url;
}

/**
 * A core on this test file's backend, disposed after the test: on a new
 * database copied from the server's migrated template, or on PGlite (in
 * memory on a copy of its template, or in the data folder the test names).
 * With a server, a data folder still holds the capture journal and backups.
 * A test that names its own template or server keeps it.
 */
export async function testCore(
  options: CreateCoreOptions = {},
): Promise<Core & { clock: FakeClock }> {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock();
  const storage: CreateCoreOptions =
    options.template || options.databaseUrl
      ? {}
      : onServer()
        ? { databaseUrl: await serverDatabaseUrl() }
        : options.dataDir !== undefined
          ? {}
          : { template: templateBlob() };
  const core = await createCore({ ...storage, ...options, clock });
  cleanups.push(() => core.dispose());
  return core as Core & { clock: FakeClock };
}

/**
 * A migrated database on this file's backend, closed after the test. With
 * `migrations`, a new database migrated only that far (to build an older
 * schema for an upgrade test; see reopenTestDatabase).
 */
export async function testDatabase(
  options: { migrations?: readonly Migration[] } = {},
): Promise<Database> {
  const database = onServer()
    ? await openDatabase({
        url: await serverDatabaseUrl(options.migrations === undefined),
        ...(options.migrations ? { migrations: options.migrations } : {}),
      })
    : await openDatabase(
        options.migrations ? { migrations: options.migrations } : { template: templateBlob() },
      );
  onCleanup(() => database.close());
  return database;
}

/**
 * The same stored data opened again, as the next start of Locus would,
 * with `migrations` (defaults to all): PGlite through a dump of its data
 * dir, a server by connecting again. Closes `database`.
 */
export async function reopenTestDatabase(
  database: Database,
  options: { migrations?: readonly Migration[] } = {},
): Promise<Database> {
  const migrations = options.migrations ? { migrations: options.migrations } : {};
  let reopened: Database;
  if (database.backend === 'postgres') {
    await database.close();
    reopened = await openDatabase({ url: database.server.target.url, ...migrations });
  } else {
    const dump = await database.pg.dumpDataDir('none');
    await database.close();
    reopened = await openDatabase({ template: dump, ...migrations });
  }
  onCleanup(() => reopened.close());
  return reopened;
}

/** A fresh temporary folder, removed after the test. */
export function tempDir(prefix = 'locus-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Where a test keeps memory across a restart (createCore twice): a data
 * folder on PGlite; on a server, a database of its own plus a data folder
 * (captures journal, backups), as a real server user has.
 */
export async function durableStorage(): Promise<{ dataDir: string; databaseUrl?: string }> {
  const dataDir = tempDir();
  return onServer() ? { dataDir, databaseUrl: await serverDatabaseUrl() } : { dataDir };
}

/**
 * Closes `database` and says how a core opens the same memory again: a
 * dump of PGlite's data dir as its template, or the server database's URL.
 */
export async function storageOf(database: Database): Promise<CreateCoreOptions> {
  if (database.backend === 'postgres') {
    await database.close();
    return { databaseUrl: database.server.target.url };
  }
  const dump = await database.pg.dumpDataDir('none');
  await database.close();
  return { template: dump };
}

/** Disposes `core` and opens its memory again in a new core (a restart), with `options`. */
export async function restartCore(
  core: Core,
  options: CreateCoreOptions = {},
): Promise<Core & { clock: FakeClock }> {
  const storage =
    core.database.backend === 'postgres'
      ? { databaseUrl: core.database.server.target.url }
      : { template: await core.database.pg.dumpDataDir('none') };
  await core.dispose();
  return testCore({ ...storage, ...options });
}

/**
 * A temporary data folder that already holds a migrated database, loaded from
 * the template: initdb in a fresh folder costs seconds (about 9 s on a loaded
 * machine against 3-4 s from the template), paid by every CLI test's first run.
 */
export async function tempDataDir(prefix = 'locus-test-'): Promise<string> {
  const dir = tempDir(prefix);
  const core = await createCore({ dataDir: dir, template: templateBlob() });
  await core.dispose();
  return dir;
}
