import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkBackup, createBackup, restoreBackup } from '../../src/core/backup/backups';
import { FakeClock } from '../../src/core/clock';
import { createCore } from '../../src/core/create-core';
import { dataDirLayout } from '../../src/core/storage/data-dir';
import { openDatabase } from '../../src/core/storage/open-database';
import { restorePaths } from '../../src/core/storage/restore-swap';
import { runCli } from '../helpers/run-cli';
import { onCleanup, tempDir, templateBlob } from '../helpers/test-core';

/** A data folder holding "old" memory, and a backup holding "backed up" memory. */
async function folderWithBackup() {
  const dataDir = tempDir();
  const core = await createCore({ dataDir, template: templateBlob() });
  const agent = await core.agents.getOrCreateDefault();
  await core.archival.insert(agent.id, { text: 'backed up' });
  const backup = await createBackup(core.database, dataDir, 'manual', core.clock);
  const passages = await core.archival.list(agent.id);
  await core.archival.remove(passages.items[0]!.id);
  await core.archival.insert(agent.id, { text: 'old' });
  await core.dispose();
  return { dataDir, backup: backup.file, agentId: agent.id };
}

async function texts(dataDir: string, agentId: string): Promise<string[]> {
  const core = await createCore({ dataDir });
  onCleanup(() => core.dispose());
  return (await core.archival.list(agentId)).items.map((p) => p.text);
}

/** Fills the staging folder the way an interrupted restore leaves it, then writes its marker. */
async function interruptedRestore(dataDir: string, backup: string, phase: 'staging' | 'swap') {
  const { staging, marker } = restorePaths(dataDir);
  const built = await openDatabase({
    directory: staging,
    template: new Blob([fs.readFileSync(backup)]),
  });
  await built.close();
  if (phase === 'staging') fs.rmSync(path.join(staging, 'global'), { recursive: true });
  const previous = `${dataDirLayout(dataDir).database}.before-restore-test`;
  fs.writeFileSync(marker, JSON.stringify({ phase, previous, backup, startedAt: '' }));
  return previous;
}

describe('backup restore is crash-safe', () => {
  it('replaces a database that no longer opens, keeping it aside', async () => {
    const { dataDir, backup, agentId } = await folderWithBackup();
    const database = dataDirLayout(dataDir).database;
    fs.writeFileSync(path.join(database, 'global', 'pg_control'), 'damaged');
    // The way back is named: the newest backup, with the command that puts it in place.
    await expect(createCore({ dataDir })).rejects.toMatchObject({
      code: 'DATABASE_OPEN_FAILED',
      message: expect.stringContaining(`locus backup restore "${backup}"`),
    });

    const result = await restoreBackup(dataDir, backup, new FakeClock());
    expect(result.previous).toMatch(/pgdata\.before-restore-/);
    expect(fs.readFileSync(path.join(result.previous!, 'global', 'pg_control'), 'utf8')).toBe(
      'damaged',
    );
    expect(await texts(dataDir, agentId)).toEqual(['backed up']);
  });

  it('says how to start over when a database that no longer opens has no backup', async () => {
    const { dataDir, backup } = await folderWithBackup();
    fs.rmSync(backup);
    const database = dataDirLayout(dataDir).database;
    fs.writeFileSync(path.join(database, 'global', 'pg_control'), 'damaged');
    const error = await createCore({ dataDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_OPEN_FAILED' });
    expect((error as Error).message).toContain('There is no backup');
    expect((error as Error).message).toContain(database);
  });

  it('undoes a restore interrupted while unpacking: the old memory stays', async () => {
    const { dataDir, backup, agentId } = await folderWithBackup();
    await interruptedRestore(dataDir, backup, 'staging');
    const core = await createCore({ dataDir });
    onCleanup(() => core.dispose());
    expect(core.database.restoreRecovery).toMatchObject({ outcome: 'rolled-back' });
    expect((await core.archival.list(agentId)).items.map((p) => p.text)).toEqual(['old']);
    expect(fs.existsSync(restorePaths(dataDir).staging)).toBe(false);
    expect(fs.existsSync(restorePaths(dataDir).marker)).toBe(false);
  });

  it('finishes a restore interrupted while swapping, whichever rename it reached', async () => {
    for (const renamedAside of [false, true]) {
      const { dataDir, backup, agentId } = await folderWithBackup();
      const previous = await interruptedRestore(dataDir, backup, 'swap');
      if (renamedAside) fs.renameSync(dataDirLayout(dataDir).database, previous);
      const core = await createCore({ dataDir });
      onCleanup(() => core.dispose());
      expect(core.database.restoreRecovery).toEqual({ outcome: 'completed', previous, backup });
      expect((await core.archival.list(agentId)).items.map((p) => p.text)).toEqual(['backed up']);
      // The replaced memory is kept, whole.
      expect(fs.existsSync(path.join(previous, 'PG_VERSION'))).toBe(true);
    }
  });

  it('never starts an empty memory over a database a restore moved aside', async () => {
    const { dataDir } = await folderWithBackup();
    const database = dataDirLayout(dataDir).database;
    const moved = `${database}.before-restore-20260101T000000000Z`;
    fs.renameSync(database, moved);
    await expect(createCore({ dataDir })).rejects.toMatchObject({
      code: 'DATABASE_OPEN_FAILED',
      message: expect.stringContaining(moved),
    });
    expect(fs.existsSync(database)).toBe(false);
  });

  it('says on the command line where the replaced memory is and what an interrupted restore did', async () => {
    const { dataDir, backup } = await folderWithBackup();
    const base = ['--data-dir', dataDir, '--embedder', 'fake'];
    await interruptedRestore(dataDir, backup, 'swap');
    const status = await runCli(['status', ...base]);
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(
      /interrupted restore .* was finished\. The memory it replaced is kept at .*before-restore-test/,
    );
  });

  it('refuses a gzip bomb by streaming it, without unpacking it into memory', async () => {
    const dir = tempDir();
    const bomb = path.join(dir, 'locus-manual-20260101T000000000Z.tar.gz');
    const zeros = Buffer.alloc(1 << 20);
    async function* chunks() {
      for (let i = 0; i < 300; i++) yield zeros;
    }
    await pipeline(Readable.from(chunks()), zlib.createGzip(), fs.createWriteStream(bomb));
    expect(fs.statSync(bomb).size).toBeLessThan(2 << 20);
    await expect(checkBackup(bomb)).rejects.toMatchObject({
      code: 'BACKUP_INVALID',
      message: expect.stringMatching(/unpacks to more than/),
    });
  });
});
