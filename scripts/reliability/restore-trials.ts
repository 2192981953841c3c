// Crash trials for `locus backup restore`: the restore is killed with SIGKILL
// at a random moment, many times; after each kill the data folder must open
// and hold either the memory from before the restore or the backup's, whole
// (never an empty or unopenable database), with no staging folder or marker
// left once it has been opened, and a finished restore must say where the
// replaced memory is.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackup } from '../../src/core/backup/backups';
import { createCore } from '../../src/core/create-core';
import { dataDirLayout } from '../../src/core/storage/data-dir';
import { restorePaths } from '../../src/core/storage/restore-swap';
import { openAfterKill } from './open-after-kill';
import { seededIntegers } from './seeded';

export interface RestoreCrashReport {
  trials: number;
  /** The restore had finished, or was finished by the next open. */
  restored: number;
  /** The memory from before the restore was still (or again) in place. */
  unchanged: number;
  /** Opens that finished an interrupted restore, and that undid one. */
  finishedAtOpen: number;
  undoneAtOpen: number;
  failedOpens: number;
  /** Neither the old memory nor the backup's: an empty or mixed database. */
  wrongContents: number;
  /** A staging folder or marker still there after the folder was opened. */
  leftovers: number;
  details: string[];
}

const root = path.resolve(import.meta.dirname, '../..');

/** Runs `locus backup restore`, killing it after `killAfterMs` (if it has not finished). */
async function restore(dataDir: string, backup: string, killAfterMs: number | null) {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/locus.js'), 'backup', 'restore', backup, '--data-dir', dataDir],
    { cwd: root, stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (killAfterMs !== null) {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }
  return exited;
}

export async function runRestoreTrials(options: {
  trials: number;
  seed?: number;
  dataDir?: string;
  onTrial?: (n: number) => void;
}): Promise<RestoreCrashReport> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'locus-restore-'));
  const next = seededIntegers(options.seed ?? 7);
  const report: RestoreCrashReport = {
    trials: 0,
    restored: 0,
    unchanged: 0,
    finishedAtOpen: 0,
    undoneAtOpen: 0,
    failedOpens: 0,
    wrongContents: 0,
    leftovers: 0,
    details: [],
  };
  const setup = await createCore({ dataDir });
  const agentId = (await setup.agents.getOrCreateDefault()).id;
  await setup.archival.insert(agentId, { text: 'in the backup' });
  const backupFile = (await createBackup(setup.database, dataDir, 'manual', setup.clock)).file;
  await setup.dispose();
  const backup = path.join(dataDir, 'the-backup.tar.gz');
  fs.renameSync(backupFile, backup);

  // Kill moments are spread over one uninterrupted restore's duration,
  // measured here, so the trials cover every phase on a fast or a loaded machine.
  const started = Date.now();
  if ((await restore(dataDir, backup, null)) !== 0) throw new Error('a full restore failed');
  const span = Math.max(100, Math.round((Date.now() - started) * 1.2));

  for (let trial = 1; trial <= options.trials; trial++) {
    const mark = `before trial ${trial}`;
    const before = await createCore({ dataDir });
    await before.archival.insert(agentId, { text: mark });
    await before.dispose();

    await restore(dataDir, backup, next() % span);
    report.trials++;
    const core = await openAfterKill(dataDir, report, trial);
    if (!core) continue;
    try {
      const texts = (await core.archival.list(agentId, 1000)).items.map((p) => p.text);
      if (texts.includes(mark)) report.unchanged++;
      else if (texts.length === 1 && texts[0] === 'in the backup') report.restored++;
      else {
        report.wrongContents++;
        report.details.push(`trial ${trial}: memory holds ${JSON.stringify(texts.slice(0, 5))}`);
      }
      const recovery = core.database.restoreRecovery;
      if (recovery?.outcome === 'completed') {
        report.finishedAtOpen++;
        if (recovery.previous === null || !fs.existsSync(recovery.previous)) {
          report.wrongContents++;
          report.details.push(`trial ${trial}: finished, but the replaced memory is not kept`);
        }
      } else if (recovery?.outcome === 'rolled-back') report.undoneAtOpen++;
      const { staging, marker } = restorePaths(dataDir);
      if (fs.existsSync(staging) || fs.existsSync(marker)) {
        report.leftovers++;
        report.details.push(`trial ${trial}: staging or marker left after open`);
      }
    } finally {
      await core.dispose();
    }
    // The replaced databases are kept by design; a long run would fill the disk.
    const base = path.basename(dataDirLayout(dataDir).database);
    for (const name of fs.readdirSync(dataDir))
      if (name.startsWith(`${base}.before-restore-`))
        fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    options.onTrial?.(trial);
  }
  if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  return report;
}
