import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBackups, restoreBackup } from '../../src/core/backup/backups';
import { findServerTool } from '../../src/core/backup/server-backups';
import { systemClock } from '../../src/core/clock';
import { createCore } from '../../src/core/create-core';
import { call } from '../../src/core/host/call';
import { adminQuery, testServer } from '../helpers/test-backend';
import { durableStorage, onCleanup } from '../helpers/test-core';

describe('backups of a server database', () => {
  it('are made with pg_dump into the data folder, and go back with pg_restore as the advice says', async () => {
    const storage = await durableStorage();
    const core = await createCore(storage);
    onCleanup(() => core.dispose());
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insert(agent.id, { text: 'The harbour closes at nine' });
    await core.recall.append(agent.id, { role: 'user', content: 'see you at the harbour' });

    const made = await call(core.handlers, 'backups.create', {});
    expect(made.file).toMatch(/locus-manual-\d{8}T\d{9}Z\.pgdump$/);
    expect(path.dirname(made.file)).toBe(path.join(storage.dataDir, 'backups'));
    expect(made.sizeBytes).toBeGreaterThan(0);
    // The whole memory: readable by its owner only, as the embedded backups are.
    if (process.platform !== 'win32') expect(fs.statSync(made.file).mode & 0o777).toBe(0o600);
    expect(listBackups(storage.dataDir).map((b) => b.file)).toEqual([made.file]);

    // Not into the folder: restoring says how, after checking the file.
    const advice = await restoreBackup(storage.dataDir, made.file, systemClock).catch(
      (e: unknown) => e,
    );
    expect(advice).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('pg_restore'),
    });

    // Following that advice gives the same memory in a new database.
    const { bin } = testServer();
    const name = `restored_${process.pid}`;
    await adminQuery('postgres', `CREATE DATABASE ${name}`);
    onCleanup(async () => {
      await adminQuery('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
    await adminQuery(name, 'CREATE EXTENSION vector');
    const url = testServer().url(name);
    const target = new URL(url);
    execFileSync(
      path.join(bin, 'pg_restore'),
      [
        '--no-owner',
        '--no-privileges',
        '--no-comments',
        '--single-transaction',
        `--dbname=${url.replace(`:${target.password}@`, '@')}`,
        made.file,
      ],
      { env: { ...process.env, PGPASSWORD: decodeURIComponent(target.password) } },
    );
    const restored = await createCore({ databaseUrl: url });
    onCleanup(() => restored.dispose());
    expect((await restored.archival.search(agent.id, { query: 'harbour' })).items[0]?.text).toBe(
      'The harbour closes at nine',
    );
    expect(await restored.recall.countAll()).toBe(1);
  });

  it('say what to install when no pg_dump is new enough', async () => {
    await expect(findServerTool('pg_dump', 99)).rejects.toMatchObject({
      code: 'BACKUP_UNAVAILABLE',
      message: expect.stringContaining('postgresql-client-99'),
    });
  });

  it('need a data folder to keep them in', async () => {
    const storage = await durableStorage();
    const core = await createCore({ databaseUrl: storage.databaseUrl as string });
    onCleanup(() => core.dispose());
    await expect(call(core.handlers, 'backups.create', {})).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});
