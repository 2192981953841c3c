import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/postgres/cluster';
import { call } from '../../src/core/host/call';
import { openAppCore } from '../../src/core/host/open-app-core';
import {
  checkAndSaveDatabaseUrl,
  readSavedDatabaseUrl,
} from '../../src/core/storage/database-setting';
import { adminQuery, createServerDatabase } from '../helpers/test-backend';
import { onCleanup, tempDir } from '../helpers/test-core';

describe('the database setting', () => {
  it('saves a server once it answers, and the next start opens it', async () => {
    const dataDir = tempDir();
    const server = await createServerDatabase();
    onCleanup(server.drop);
    const { core } = await openAppCore({ dataDir, embedder: 'fake', env: {} });
    onCleanup(() => core.dispose());
    expect(await call(core.handlers, 'database.get', {})).toMatchObject({
      backend: 'pglite',
      source: 'embedded',
      saved: null,
      restartRequired: false,
    });

    const unreachable = `postgres://locus:x@127.0.0.1:${await freePort()}/locus`;
    await expect(call(core.handlers, 'database.set', { url: unreachable })).rejects.toMatchObject({
      code: 'DATABASE_UNREACHABLE',
    });
    expect(readSavedDatabaseUrl(dataDir)).toBeNull();

    const info = await call(core.handlers, 'database.set', { url: server.url });
    expect(info).toMatchObject({ backend: 'pglite', source: 'embedded', restartRequired: true });
    expect(info.saved).toContain('***');
    expect(info.saved).not.toContain(new URL(server.url).password);
    await core.dispose();

    const { core: next } = await openAppCore({ dataDir, embedder: 'fake', env: {} });
    onCleanup(() => next.dispose());
    expect(await call(next.handlers, 'database.get', {})).toMatchObject({
      backend: 'postgres',
      source: 'setting',
      restartRequired: false,
    });
    await call(next.handlers, 'database.set', { url: null });
    expect((await call(next.handlers, 'database.get', {})).restartRequired).toBe(true);
  });

  it('refuses a server database a newer Locus has migrated further, before saving it', async () => {
    const dataDir = tempDir();
    const server = await createServerDatabase();
    onCleanup(server.drop);
    await adminQuery(
      server.name,
      `INSERT INTO locus_migrations (id, position, applied_at)
       SELECT '9999999999999_from_a_newer_locus', max(position) + 1, now() FROM locus_migrations`,
    );
    await expect(checkAndSaveDatabaseUrl(dataDir, server.url)).rejects.toMatchObject({
      code: 'DATABASE_TOO_NEW',
      message: expect.stringContaining('9999999999999_from_a_newer_locus'),
    });
    // Saved, it would have stopped every later start of this folder.
    expect(readSavedDatabaseUrl(dataDir)).toBeNull();
    // A new, empty database is still taken.
    const empty = await createServerDatabase({ migrated: false });
    onCleanup(empty.drop);
    await checkAndSaveDatabaseUrl(dataDir, empty.url);
    expect(readSavedDatabaseUrl(dataDir)).toBe(empty.url);
  });
});
