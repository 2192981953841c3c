import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { call } from '../../src/core/host/call';
import {
  databaseSettingPath,
  resolveDatabase,
  saveDatabaseUrl,
} from '../../src/core/storage/database-setting';
import { tempDir, testCore } from '../helpers/test-core';

const SERVER = 'postgres://ada:secret@nas.local:5432/locus';

describe('choosing the database', () => {
  it('takes --database, then LOCUS_DATABASE_URL, then the saved setting, else the embedded one', () => {
    const dataDir = tempDir();
    expect(resolveDatabase({ dataDir, env: {} })).toEqual({ url: null, source: 'embedded' });
    saveDatabaseUrl(dataDir, SERVER);
    expect(resolveDatabase({ dataDir, env: {} })).toEqual({ url: SERVER, source: 'setting' });
    const env = { LOCUS_DATABASE_URL: 'postgres://ada@other/locus' };
    expect(resolveDatabase({ dataDir, env })).toEqual({
      url: 'postgres://ada@other/locus',
      source: 'env',
    });
    expect(resolveDatabase({ dataDir, env, flag: 'postgresql://bob@third/x' })).toEqual({
      url: 'postgresql://bob@third/x',
      source: 'flag',
    });
    // "embedded" wins over a saved server, for one run.
    expect(resolveDatabase({ dataDir, env: {}, flag: 'embedded' })).toEqual({
      url: null,
      source: 'flag',
    });
    saveDatabaseUrl(dataDir, null);
    expect(fs.existsSync(databaseSettingPath(dataDir))).toBe(false);
  });

  it('keeps the saved URL (it may hold a password) readable by its owner only', () => {
    const dataDir = tempDir();
    saveDatabaseUrl(dataDir, SERVER);
    expect(fs.statSync(databaseSettingPath(dataDir)).mode & 0o777).toBe(0o600);
  });

  it('refuses an address that is not a PostgreSQL URL, with a stable code', async () => {
    const dataDir = tempDir();
    expect(() => resolveDatabase({ dataDir, env: {}, flag: 'nas.local:5432' })).toThrow(
      expect.objectContaining({ code: 'DATABASE_URL_INVALID' }),
    );
    const core = await testCore({ dataDir });
    await expect(call(core.handlers, 'database.set', { url: 'mysql://x/y' })).rejects.toMatchObject(
      { code: 'DATABASE_URL_INVALID' },
    );
    expect(fs.existsSync(databaseSettingPath(dataDir))).toBe(false);
  });

  it('reports which database this Locus uses', async () => {
    const core = await testCore();
    const info = await call(core.handlers, 'database.get', {});
    expect(info).toMatchObject({
      backend: core.database.backend,
      restartRequired: false,
    });
    expect((await call(core.handlers, 'status.get', {})).database.backend).toBe(
      core.database.backend,
    );
  });
});
