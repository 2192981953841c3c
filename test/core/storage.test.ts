import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock';
import { lockPathFor } from '../../src/core/storage/lock';
import { openDatabase } from '../../src/core/storage/open-database';
import { migrations, type Migration } from '../../src/core/storage/migrations/registry';
import { createCore } from '../../src/core/create-core';
import { spawnTsx, waitForExit, waitForOutput } from '../helpers/spawn-tsx';
import { onServer } from '../helpers/test-backend';
import {
  durableStorage,
  onCleanup,
  reopenTestDatabase,
  tempDir,
  testDatabase,
} from '../helpers/test-core';

const addNotesTable: Migration = {
  id: '1999999999999_add_notes',
  async up(sql) {
    await sql.exec('CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
  },
};

describe('migrations', () => {
  it('creates every table on a fresh database and records each migration once', async () => {
    const dataDir = tempDir();
    const db = onServer()
      ? await testDatabase({ migrations })
      : await openDatabase({ dataDir, clock: new FakeClock() });
    onCleanup(() => db.close());
    expect(db.migration).toEqual({ applied: migrations.map((m) => m.id), alreadyApplied: 0 });
    const tables = await db.pg.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining([
        'agents',
        'blocks',
        'block_history',
        'messages',
        'passages',
        'settings',
        'locus_migrations',
      ]),
    );
    expect(fs.existsSync(path.join(dataDir, 'pgdata'))).toBe(!onServer());
  });

  it('applies only the new migrations to an existing database and keeps its data', async () => {
    const first = await testDatabase();
    await first.pg.query("INSERT INTO settings (key, value) VALUES ('kept', '1'::jsonb)");
    const upgraded = await reopenTestDatabase(first, {
      migrations: [...migrations, addNotesTable],
    });
    expect(upgraded.migration).toEqual({
      applied: [addNotesTable.id],
      alreadyApplied: migrations.length,
    });
    await upgraded.pg.query("INSERT INTO notes VALUES (1, 'x')");
    const kept = await upgraded.pg.query("SELECT value FROM settings WHERE key = 'kept'");
    expect(kept.rows).toEqual([{ value: 1 }]);
  });

  it('refuses a database migrated by a newer Locus without changing it', async () => {
    const newer = await reopenTestDatabase(await testDatabase(), {
      migrations: [...migrations, addNotesTable],
    });
    await expect(reopenTestDatabase(newer)).rejects.toMatchObject({
      code: 'DATABASE_TOO_NEW',
      message: expect.stringContaining('newer version of Locus'),
    });
  });

  it('rolls back a failing migration and reports which one', async () => {
    const broken: Migration = {
      id: '1999999999998_broken',
      async up(sql) {
        await sql.exec('CREATE TABLE half_done (id int)');
        await sql.exec('SELECT * FROM no_such_table');
      },
    };
    const db = await testDatabase();
    const storage = db.backend === 'pglite' ? await db.pg.dumpDataDir('none') : undefined;
    const open = (list: readonly Migration[]) =>
      db.backend === 'postgres'
        ? openDatabase({ url: db.server.target.url, migrations: list })
        : openDatabase({ template: storage as Blob, migrations: list });
    await db.close();
    await expect(open([...migrations, broken])).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      details: { migration: broken.id },
    });
    const reopened = await open(migrations);
    onCleanup(() => reopened.close());
    const table = await reopened.pg.query("SELECT to_regclass('half_done') AS t");
    expect(table.rows).toEqual([{ t: null }]);
  });
});

// The data folder's lock and PGlite's files: the same whatever the database, so once, on PGlite.
describe.skipIf(onServer())('data dir lock', () => {
  it('refuses a second opener in the same process and frees the dir on close', async () => {
    const dataDir = tempDir();
    const first = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED' });
    await first.close();
    expect(fs.existsSync(lockPathFor(dataDir))).toBe(false);
    const second = await openDatabase({ dataDir });
    await second.close();
  });

  it('names the other process holding the dir, and reclaims the lock after it is killed', async () => {
    const dataDir = tempDir();
    const holder = spawnTsx('test/helpers/hold-data-dir.ts', [dataDir]);
    onCleanup(() => void holder.kill('SIGKILL'));
    await waitForOutput(holder, 'ready');

    const error = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'DATA_DIR_LOCKED',
      details: { holder: { pid: holder.pid } },
      message: expect.stringContaining(`process ${holder.pid}`),
    });

    holder.kill('SIGKILL');
    await waitForExit(holder);
    // The killed holder left its lock file; it is stale now and must not block us.
    expect(fs.existsSync(lockPathFor(dataDir))).toBe(true);
    const reopened = await openDatabase({ dataDir });
    onCleanup(() => reopened.close());
    const held = await reopened.pg.query<{ value: number }>(
      "SELECT value FROM settings WHERE key = 'held-by'",
    );
    expect(held.rows[0]?.value).toBe(holder.pid);
  });

  it('lets exactly one of several concurrent openers in', async () => {
    const dataDir = tempDir();
    const children = [0, 1, 2].map(() => spawnTsx('test/helpers/hold-data-dir.ts', [dataDir]));
    onCleanup(() => children.forEach((c) => c.kill('SIGKILL')));
    const results = await Promise.allSettled(children.map((c) => waitForOutput(c, 'ready')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of refused) expect(String(r.reason)).toContain('DATA_DIR_LOCKED');
  });
});

describe('memory persists across processes', () => {
  it('reopens stored memory with agents, blocks, passages and messages intact', async () => {
    const storage = await durableStorage();
    const core = await createCore(storage);
    const agent = await core.agents.create({ name: 'Keeper' });
    await core.coreMemory.append(agent.id, 'human', 'Name: Ada', 'agent');
    await core.archival.insert(agent.id, { text: 'Ada keeps bees' });
    await core.recall.append(agent.id, { role: 'user', content: 'hello there' });
    await core.dispose();

    const again = await createCore(storage);
    onCleanup(() => again.dispose());
    // Same embedder as before: the stored vectors are kept, nothing to redo.
    // The message was written outside a turn; closing embedded it (a small
    // backlog is finished on close).
    expect(again.embedderSync).toEqual({ switched: false, pending: 0, pendingMessages: 0 });
    expect((await again.handlers['status.get']({})).messages).toEqual({ total: 1, pending: 0 });
    expect(
      (await again.archival.search(agent.id, { query: 'bees', mode: 'vector' })).items[0]?.text,
    ).toBe('Ada keeps bees');
    const [reloaded] = await again.agents.list();
    expect(reloaded?.blocks.find((b) => b.label === 'human')?.value).toBe('Name: Ada');
    expect((await again.archival.search(agent.id, { query: 'bees' })).items[0]?.text).toBe(
      'Ada keeps bees',
    );
    expect((await again.recall.search(agent.id, { query: 'hello' })).items).toHaveLength(1);
  });
});
