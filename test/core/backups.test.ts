import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  autoBackup,
  checkBackup,
  createBackup,
  listBackups,
  restoreBackup,
} from '../../src/core/backup/backups';
import { FakeClock } from '../../src/core/clock';
import { createCore } from '../../src/core/create-core';
import { runCli } from '../helpers/run-cli';
import { onCleanup, tempDir, templateBlob } from '../helpers/test-core';

describe('backups', () => {
  it('backs up, keeps a rolling set of automatic backups, and restores after checking', async () => {
    const dataDir = tempDir();
    const clock = new FakeClock(new Date('2026-11-01T08:00:00Z'));
    const core = await createCore({ dataDir, clock, template: templateBlob() });
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insert(agent.id, { text: 'Before the backup' });
    const manual = await createBackup(core.database, dataDir, 'manual', clock);
    await core.archival.insert(agent.id, { text: 'After the backup' });

    // One automatic backup a day, at most three kept; manual ones stay.
    for (let day = 0; day < 5; day++) {
      expect(await autoBackup(core.database, dataDir, clock, { keep: 3 })).not.toBeNull();
      expect(await autoBackup(core.database, dataDir, clock, { keep: 3 })).toBeNull();
      clock.advance(24 * 60 * 60 * 1000);
    }
    const kinds = listBackups(dataDir).map((b) => b.kind);
    expect(kinds.filter((k) => k === 'auto')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'manual')).toHaveLength(1);
    await core.dispose();

    expect(await checkBackup(manual.file)).toMatchObject({ agents: 1 });
    const restored = await restoreBackup(dataDir, manual.file, clock);
    expect(fs.existsSync(restored.previous!)).toBe(true);
    const reopened = await createCore({ dataDir });
    onCleanup(() => reopened.dispose());
    const texts = (await reopened.archival.search(agent.id, { query: '' })).items.map(
      (p) => p.text,
    );
    expect(texts).toEqual(['Before the backup']);
  });

  it('refuses a damaged backup and leaves the current memory untouched', async () => {
    const dataDir = tempDir();
    const core = await createCore({ dataDir, template: templateBlob() });
    const agent = await core.agents.getOrCreateDefault();
    await core.archival.insert(agent.id, { text: 'Precious' });
    const good = await createBackup(core.database, dataDir, 'manual', core.clock);
    await core.dispose();

    const damaged = path.join(dataDir, 'damaged.tar.gz');
    const bytes = fs.readFileSync(good.file);
    fs.writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length / 3)));
    await expect(restoreBackup(dataDir, damaged, new FakeClock())).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
    });
    const reopened = await createCore({ dataDir });
    onCleanup(() => reopened.dispose());
    expect((await reopened.archival.search(agent.id, { query: '' })).items[0]?.text).toBe(
      'Precious',
    );
  });

  it('backs up and restores from the command line, refusing while Locus has the folder open', async () => {
    const dataDir = tempDir();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    await runCli(['capture', 'Kept by the backup', ...base]);
    const made = await runCli(['backup', '--json', ...base]);
    expect(made.code).toBe(0);
    const { file } = JSON.parse(made.stdout) as { file: string };
    await runCli(['capture', 'Written after the backup', ...base]);

    const listed = await runCli(['backup', 'list', ...base]);
    expect(listed.stdout).toContain(path.basename(file));

    const open = await createCore({ dataDir });
    const locked = await runCli(['backup', 'restore', file, ...base]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('DATA_DIR_LOCKED');
    // Says how to restore then, not only that it cannot.
    expect(locked.stderr).toMatch(/stop "locus serve" or quit the app/);
    expect(locked.stderr).toContain('Files → Backups → Restore');
    await open.dispose();

    const restored = await runCli(['backup', 'restore', file, ...base]);
    expect(restored.code).toBe(0);
    const notes = await runCli(['memory', 'search', '--tags', 'note', '--json', ...base]);
    const texts = (JSON.parse(notes.stdout) as { items: Array<{ text: string }> }).items.map(
      (p) => p.text,
    );
    expect(texts).toEqual(['Kept by the backup']);
  });

  it('keeps making daily backups after one was dated in the future by a wrong clock', async () => {
    const dataDir = tempDir();
    const clock = new FakeClock(new Date('2030-01-01T00:00:00Z'));
    const core = await createCore({ dataDir, clock, template: templateBlob() });
    onCleanup(() => core.dispose());
    const future = await autoBackup(core.database, dataDir, clock, { keep: 3 });
    expect(future).not.toBeNull();

    // The clock is put right: a backup a day again, and the future one is pruned first.
    clock.set(new Date('2026-03-01T08:00:00Z'));
    const made: string[] = [];
    for (let day = 0; day < 4; day++) {
      const backup = await autoBackup(core.database, dataDir, clock, { keep: 3 });
      expect(backup).not.toBeNull();
      made.push(backup!.file);
      expect(await autoBackup(core.database, dataDir, clock, { keep: 3 })).toBeNull();
      clock.advance(24 * 60 * 60 * 1000);
    }
    const kept = listBackups(dataDir).map((b) => b.file);
    expect(kept.sort()).toEqual(made.slice(-3).sort());
    expect(kept).not.toContain(future!.file);
  });

  it('removes partial dumps left by a killed pg_dump, not one still being written', () => {
    const dataDir = tempDir();
    const dir = path.join(dataDir, 'backups');
    fs.mkdirSync(dir, { recursive: true });
    // A pid that has exited: a child that ran and ended.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const killed = path.join(dir, `locus-manual-20261101T080000000Z.pgdump.${dead}.tmp`);
    const writing = path.join(dir, `locus-auto-20261101T090000000Z.pgdump.${process.pid}.tmp`);
    const legacyOld = path.join(dir, 'locus-auto-20261001T080000000Z.pgdump.tmp');
    const legacyFresh = path.join(dir, 'locus-auto-20261002T080000000Z.pgdump.tmp');
    const other = path.join(dir, 'notes.tmp');
    for (const f of [killed, writing, legacyOld, legacyFresh, other]) fs.writeFileSync(f, 'x');
    const hoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(legacyOld, hoursAgo, hoursAgo);

    expect(listBackups(dataDir)).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(
      [writing, legacyFresh, other].map((f) => path.basename(f)).sort(),
    );
  });
});
