// Crash trials: a writer process is killed with SIGKILL at random moments,
// many times, on one data folder; after each kill the folder must open, pass
// amcheck, hold every acknowledged write, and hold the in-flight write whole
// or not at all.
//   node --import tsx scripts/reliability/crash-trials.ts [--trials 50] [--restore-trials 20] [--import-trials 10] [--out file.json]
// --restore-trials also kills `locus backup restore` at random moments (restore-trials.ts),
// --import-trials `locus import` of an agent file with many passages (import-trials.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkIntegrity } from '../../src/core/storage/integrity';
import { runImportTrials } from './import-trials';
import { runRestoreTrials } from './restore-trials';
import { openAfterKill } from './open-after-kill';
import { seededIntegers } from './seeded';

export interface CrashReport {
  trials: number;
  acknowledgedWrites: number;
  lostWrites: number;
  failedOpens: number;
  integrityFailures: number;
  partialWrites: number;
  details: string[];
}

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Kills the writer at a random point after its `afterAcks`-th acknowledged
 * write (plus a random 0-49 ms): counted, not timed from its start, so on a
 * loaded machine every trial still kills a writer that has written.
 */
async function runWriter(dataDir: string, afterAcks: number, extraMs: number): Promise<string[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/reliability/crash-writer.ts'), dataDir],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if ((out.match(/^ACK .*\n/gm)?.length ?? 0) >= afterAcks) resolve();
    });
    child.on('exit', () => reject(new Error(`writer exited early: ${err}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, extraMs));
  child.kill('SIGKILL');
  await exited;
  // Only complete lines were acknowledged.
  return out.split('\n').filter((line) => line.startsWith('ACK ') && out.includes(`${line}\n`));
}

export async function runCrashTrials(options: {
  trials: number;
  seed?: number;
  dataDir?: string;
  onTrial?: (n: number) => void;
}): Promise<CrashReport> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'locus-crash-'));
  const next = seededIntegers(options.seed ?? 42);
  const report: CrashReport = {
    trials: 0,
    acknowledgedWrites: 0,
    lostWrites: 0,
    failedOpens: 0,
    integrityFailures: 0,
    partialWrites: 0,
    details: [],
  };
  for (let trial = 1; trial <= options.trials; trial++) {
    const acks = await runWriter(dataDir, 1 + (next() % 40), next() % 50);
    report.trials++;
    report.acknowledgedWrites += acks.length;
    const core = await openAfterKill(dataDir, report, trial);
    if (!core) continue;
    try {
      const agent = await core.agents.getOrCreateDefault();
      let lastEdit: number | null = null;
      for (const line of acks) {
        const [, kind, id, tag] = line.split(' ') as [string, string, string, string];
        if (kind === 'message') {
          const found = await core.recall.get(id).catch(() => null);
          if (found?.content !== `message ${tag}`) {
            report.lostWrites++;
            report.details.push(`trial ${trial}: lost ${line}`);
          }
        } else if (kind === 'passage') {
          const found = await core.archival.get(id).catch(() => null);
          if (found?.text !== `passage ${tag}`) {
            report.lostWrites++;
            report.details.push(`trial ${trial}: lost ${line}`);
          }
        } else {
          lastEdit = Number(line.split(' ').at(-1)?.split('-')[1]);
        }
      }
      // The block holds the last acknowledged edit or the in-flight one, whole.
      const human = (await core.agents.get(agent.id)).blocks.find((b) => b.label === 'human');
      const value = human?.value ?? '';
      const edit = /^edit (\d+)-(\d+)$/.exec(value);
      if (lastEdit !== null) {
        if (!edit) {
          report.partialWrites++;
          report.details.push(
            `trial ${trial}: block value "${value.slice(0, 60)}" is not a whole edit`,
          );
        } else if (Number(edit[2]) < lastEdit) {
          report.lostWrites++;
          report.details.push(`trial ${trial}: block edit ${lastEdit} lost (found ${edit[2]})`);
        }
      }
      // Any message from the killed writer is whole (the in-flight one included).
      const recent = await core.recall.recent(agent.id, 5);
      for (const m of recent) {
        if (m.role === 'user' && !/^message \d+-\d+$/.test(m.content)) {
          report.partialWrites++;
          report.details.push(`trial ${trial}: partial message "${m.content.slice(0, 60)}"`);
        }
      }
    } finally {
      await core.dispose();
    }
    const integrity = await checkIntegrity(dataDir);
    if (!integrity.ok) {
      report.integrityFailures++;
      report.details.push(`trial ${trial}: amcheck: ${integrity.problems.join('; ')}`);
    }
    options.onTrial?.(trial);
  }
  if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '50' },
      'restore-trials': { type: 'string', default: '0' },
      'import-trials': { type: 'string', default: '0' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const seed = values.seed ? { seed: Number(values.seed) } : {};
  const report = await runCrashTrials({
    trials: Number(values.trials),
    ...seed,
    onTrial: (n) => process.stderr.write(`\rtrial ${n}/${values.trials}`),
  });
  process.stderr.write('\n');
  const restoreTrials = Number(values['restore-trials']);
  const restore =
    restoreTrials > 0
      ? await runRestoreTrials({
          trials: restoreTrials,
          ...seed,
          onTrial: (n) => process.stderr.write(`\rrestore trial ${n}/${restoreTrials}`),
        })
      : null;
  if (restore) process.stderr.write('\n');
  const importTrials = Number(values['import-trials']);
  const imports =
    importTrials > 0
      ? await runImportTrials({
          trials: importTrials,
          ...seed,
          onTrial: (n) => process.stderr.write(`\rimport trial ${n}/${importTrials}`),
        })
      : null;
  if (imports) process.stderr.write('\n');
  const text = JSON.stringify(
    restore || imports
      ? { writes: report, ...(restore ? { restore } : {}), ...(imports ? { imports } : {}) }
      : report,
    null,
    2,
  );
  if (values.out) fs.writeFileSync(values.out, text);
  console.log(text);
  const restoreFailures = restore
    ? restore.failedOpens + restore.wrongContents + restore.leftovers
    : 0;
  const importFailures = imports
    ? imports.failedOpens + imports.partialImports + imports.orphans + imports.failedRetries
    : 0;
  process.exitCode =
    report.lostWrites +
      report.failedOpens +
      report.integrityFailures +
      report.partialWrites +
      restoreFailures +
      importFailures >
    0
      ? 1
      : 0;
}
