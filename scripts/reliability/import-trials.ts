// Crash trials for `locus import`: an import of an agent file with many
// passages is killed with SIGKILL at a random moment, many times; after each
// kill the data folder must open and hold the imported agent whole (every
// block, message and passage) or not at all, with no passage or message left
// behind by an agent that is not there, and a new import must work.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore } from '../../src/core/create-core';
import { openAfterKill } from './open-after-kill';
import { seededIntegers } from './seeded';

export interface ImportCrashReport {
  trials: number;
  /** The killed import had committed: its agent is there, whole. */
  imported: number;
  /** It had not: no trace of it. */
  absent: number;
  failedOpens: number;
  /** An imported agent missing passages, messages or blocks. */
  partialImports: number;
  /** Passages or messages beyond what the agents there account for. */
  orphans: number;
  /** A new import after the crash failed. */
  failedRetries: number;
  details: string[];
}

const root = path.resolve(import.meta.dirname, '../..');
const NAME = 'Imported';

/** Runs `locus import`, killing it after `killAfterMs` (if it has not finished). */
async function importFile(dataDir: string, file: string, killAfterMs: number | null) {
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/locus.js'), 'import', file, '--data-dir', dataDir, '--embedder', 'fake'],
    { cwd: root, stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (killAfterMs === null) return exited;
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/** An agent file with `passages` passages and a short conversation, exported by Locus itself. */
async function makeAgentFile(dir: string, passages: number): Promise<string> {
  const core = await createCore({ dataDir: path.join(dir, 'source') });
  try {
    const agent = await core.agents.create({ name: NAME });
    for (let i = 0; i < passages; i++)
      await core.archival.insert(agent.id, { text: `passage ${i} of the imported agent` });
    for (let i = 0; i < 20; i++)
      await core.recall.append(agent.id, { role: 'user', content: `message ${i}` });
    const { text } = await core.handlers['agentfile.export']({ agentId: agent.id });
    const file = path.join(dir, 'agent.af');
    fs.writeFileSync(file, text);
    return file;
  } finally {
    await core.dispose();
  }
}

export async function runImportTrials(options: {
  trials: number;
  seed?: number;
  passages?: number;
  onTrial?: (n: number) => void;
}): Promise<ImportCrashReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-import-crash-'));
  const dataDir = path.join(dir, 'data');
  const next = seededIntegers(options.seed ?? 5);
  const report: ImportCrashReport = {
    trials: 0,
    imported: 0,
    absent: 0,
    failedOpens: 0,
    partialImports: 0,
    orphans: 0,
    failedRetries: 0,
    details: [],
  };
  const file = await makeAgentFile(dir, options.passages ?? 1500);

  // What one whole import holds, and how long it takes uninterrupted: kill
  // moments are spread over 1.2x that, so every phase is hit on any machine.
  const started = Date.now();
  if ((await importFile(dataDir, file, null)) !== 0) throw new Error('a full import failed');
  const span = Math.max(100, Math.round((Date.now() - started) * 1.2));
  const whole = await wholeCounts(dataDir);
  if (!whole) throw new Error('the full import left no agent');

  for (let trial = 1; trial <= options.trials; trial++) {
    await importFile(dataDir, file, next() % span);
    report.trials++;
    const core = await openAfterKill(dataDir, report, trial);
    if (!core) continue;
    try {
      const agents = await core.handlers['agents.list']({});
      const imported = agents.filter((a) => a.name !== NAME && a.name.startsWith(NAME));
      if (imported.length > 1) {
        report.partialImports++;
        report.details.push(`trial ${trial}: ${imported.length} agents from one import`);
      }
      let accounted = { passages: 0, messages: 0 };
      for (const agent of agents) {
        const counts = await agentCounts(core, agent.id);
        accounted = {
          passages: accounted.passages + counts.passages,
          messages: accounted.messages + counts.messages,
        };
      }
      for (const agent of imported) {
        const counts = await agentCounts(core, agent.id);
        if (counts.passages !== whole.passages || counts.messages !== whole.messages) {
          report.partialImports++;
          report.details.push(
            `trial ${trial}: imported agent holds ${JSON.stringify(counts)} of ${JSON.stringify(whole)}`,
          );
        }
      }
      if (imported.length > 0) report.imported++;
      else report.absent++;
      const status = await core.handlers['status.get']({});
      if (
        status.passages.total !== accounted.passages ||
        status.messages.total !== accounted.messages
      ) {
        report.orphans++;
        report.details.push(
          `trial ${trial}: ${status.passages.total} passages and ${status.messages.total} messages, agents account for ${JSON.stringify(accounted)}`,
        );
      }
      // Back to one whole agent for the next trial.
      for (const agent of imported) await core.handlers['agents.delete']({ agentId: agent.id });
    } finally {
      await core.dispose();
    }
    options.onTrial?.(trial);
  }
  // The folder still takes a new import after all the crashes.
  if ((await importFile(dataDir, file, null)) !== 0) {
    report.failedRetries++;
    report.details.push('an import after the trials failed');
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return report;

  async function wholeCounts(folder: string) {
    const core = await createCore({ dataDir: folder });
    try {
      const agent = (await core.handlers['agents.list']({})).find((a) => a.name === NAME);
      return agent ? await agentCounts(core, agent.id) : null;
    } finally {
      await core.dispose();
    }
  }
}

async function agentCounts(
  core: Awaited<ReturnType<typeof createCore>>,
  agentId: string,
): Promise<{ passages: number; messages: number }> {
  const status = await core.handlers['status.get']({ agentId });
  return status.agent ?? { passages: 0, messages: 0 };
}
