import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBackup, listBackups } from '../../src/core/backup/backups';
import { createCore } from '../../src/core/create-core';
import { dispatch } from '../../src/core/host/dispatch';
import { dataDirLayout } from '../../src/core/storage/data-dir';
import { repoRoot } from '../helpers/spawn-tsx';
import { onCleanup, tempDir, templateBlob } from '../helpers/test-core';

const canMount = spawnSync('unshare', ['-rm', 'true']).status === 0;
const databaseOf = (dataDir: string) => dataDirLayout(dataDir).database;

/** fs.writeSync as a nearly full disk behaves: a short write, then ENOSPC. */
function diskFillsAfter(bytes: number): void {
  const real = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
  let room = bytes;
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
    const buffer = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
    const offset = typeof rest[0] === 'number' ? rest[0] : 0;
    const length = typeof rest[1] === 'number' ? rest[1] : buffer.length - offset;
    if (room <= 0)
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const n = Math.min(length, room);
    room -= n;
    return real(fd, buffer, offset, n);
  }) as typeof fs.writeSync);
}

afterEach(() => vi.restoreAllMocks());

async function dataDirCore() {
  const dataDir = tempDir();
  const core = await createCore({ dataDir, template: templateBlob() });
  onCleanup(() => core.dispose());
  return { dataDir, core };
}

describe('writes check their byte counts', () => {
  it('reports a full disk inside the database as DISK_FULL, not INTERNAL', async () => {
    const { core } = await dataDirCore();
    diskFillsAfter(0);
    const result = await dispatch(core.handlers, 'agents.create', { name: 'Nowhere' });
    vi.restoreAllMocks();
    expect(result).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
  });

  it('writes a whole backup even when each write call writes only part', async () => {
    const { dataDir, core } = await dataDirCore();
    const real = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
    vi.spyOn(fs, 'writeSync').mockImplementation(((
      fd: number,
      data: Buffer,
      offset: number | null = 0,
      length?: number,
    ) =>
      real(
        fd,
        data,
        offset ?? 0,
        Math.min(length ?? data.length - (offset ?? 0), 64 * 1024),
      )) as typeof fs.writeSync);
    const made = await createBackup(core.database, dataDir, 'manual', core.clock);
    vi.restoreAllMocks();
    expect(() => zlib.gunzipSync(fs.readFileSync(made.file))).not.toThrow();
  });

  it('reports a full disk during a backup as DISK_FULL and leaves no partial file', async () => {
    const { dataDir, core } = await dataDirCore();
    diskFillsAfter(100_000);
    const result = await dispatch(core.handlers, 'backups.create', {});
    vi.restoreAllMocks();
    expect(result).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
    expect(listBackups(dataDir)).toEqual([]);
    expect(fs.readdirSync(dataDirLayout(dataDir).backups)).toEqual([]);
  });

  it('does not acknowledge a note whose journal line did not reach the disk', async () => {
    const { core } = await dataDirCore();
    await core.agents.getOrCreateDefault();
    diskFillsAfter(10);
    const result = await dispatch(core.handlers, 'captures.add', { text: 'Buy milk' });
    vi.restoreAllMocks();
    expect(result).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
    expect((await core.archival.count()).total).toBe(0);
  });

  it.skipIf(!canMount)(
    'says DISK_FULL on a really full disk (a 1 MB tmpfs for backups)',
    async () => {
      const dataDir = tempDir();
      const setup = await createCore({ dataDir, template: templateBlob() });
      await setup.dispose();
      const backups = dataDirLayout(dataDir).backups;
      fs.mkdirSync(backups);
      const run = spawnSync(
        'unshare',
        [
          '-rm',
          'sh',
          '-c',
          `mount -t tmpfs -o size=1m tmpfs "$1" && exec "$2" "$3" backup --data-dir "$4" --embedder fake; `,
          'sh',
          backups,
          process.execPath,
          path.join(repoRoot, 'bin/locus.js'),
          dataDir,
        ],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toContain('DISK_FULL');
      expect(run.status).toBe(1);
      // What was written went to the tmpfs, which is gone; nothing is left here either.
      expect(fs.readdirSync(backups)).toEqual([]);
    },
  );

  it.skipIf(!canMount)('names a read-only data folder as such, not as damage', async () => {
    const dataDir = tempDir();
    const setup = await createCore({ dataDir, template: templateBlob() });
    await setup.dispose();
    for (const readOnly of [dataDir, databaseOf(dataDir)]) {
      const run = spawnSync(
        'unshare',
        [
          '-rm',
          'sh',
          '-c',
          'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && exec "$2" "$3" status --data-dir "$4" --embedder fake',
          'sh',
          readOnly,
          process.execPath,
          path.join(repoRoot, 'bin/locus.js'),
          dataDir,
        ],
        { encoding: 'utf8' },
      );
      expect(run.stderr, readOnly).toContain('DATA_DIR_READ_ONLY');
      expect(run.stderr).not.toMatch(/DATABASE_OPEN_FAILED|backup/);
    }
  });
});
