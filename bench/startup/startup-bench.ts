import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAverage, measureNode, type ProcessUsage } from '../process/measure-process';
import { percentile, round } from '../stats';
import { buildCli } from '../../scripts/build/build-cli.mjs';

export interface StartupOptions {
  /** Runs of each command (interleaved). Defaults to 7. */
  runs?: number;
  /** Another checkout whose bin/locus.js runs in the same loop, for a ratio. */
  compare?: string;
  log?: (line: string) => void;
}

export interface StartupRow {
  command: string;
  runs: number;
  wallMs: { p50: number; max: number };
  cpuMs: { p50: number; max: number };
  peakRssMb: { p50: number; max: number };
}

const REPO = path.resolve(import.meta.dirname, '..', '..');
/** bin/locus.js runs its bundle unless told to run the sources (the tests tell it to). */
const BUNDLED = { LOCUS_CLI_FROM_SOURCE: '0' };

function summarise(command: string, samples: ProcessUsage[]): StartupRow {
  const of = (pick: (u: ProcessUsage) => number) => {
    const values = samples.map(pick);
    return { p50: round(percentile(values, 50), 0), max: round(Math.max(...values), 0) };
  };
  return {
    command,
    runs: samples.length,
    wallMs: of((u) => u.wallMs),
    cpuMs: of((u) => u.cpuMs),
    peakRssMb: of((u) => u.peakRssMb),
  };
}

/**
 * What a one-shot `locus -p` costs with the scripted model: wall time, CPU
 * time and peak RSS of the whole process, on a data folder that exists
 * already (its first creation runs initdb, once per install). `node -e 0` in
 * the same loop gives the floor Node itself costs on this machine right now.
 */
export async function runStartupBench(options: StartupOptions = {}) {
  const log = options.log ?? (() => undefined);
  const runs = options.runs ?? 7;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-bench-startup-'));
  // One folder per checkout: another build may refuse this one's migrations.
  const locus = (repo: string, dataDir = path.join(root, String(repo.length))) => [
    path.join(repo, 'bin', 'locus.js'),
    '-p',
    'Hello, what do you remember?',
    '--model',
    'scripted',
    '--data-dir',
    dataDir,
  ];
  // Each embedder on its own folder: one folder switched between them is re-embedded on every open.
  // What a user runs after `npm install`: bin/locus.js on a fresh CLI bundle.
  await buildCli();
  const commands: Array<{ label: string; args: string[]; cwd: string; env?: NodeJS.ProcessEnv }> = [
    { label: 'node -e 0 (floor)', args: ['-e', '0'], cwd: REPO },
    {
      label: 'locus -p, scripted model (built-in sentence model)',
      args: [...locus(REPO), '--embedder', 'builtin'],
      cwd: REPO,
      env: BUNDLED,
    },
    {
      label: 'locus -p, scripted model, --embedder fake (word matching)',
      args: [...locus(REPO, path.join(root, 'fake')), '--embedder', 'fake'],
      cwd: REPO,
      env: BUNDLED,
    },
    {
      label: 'locus -p, scripted model (built-in sentence model), sources through tsx',
      args: [...locus(REPO), '--embedder', 'builtin'],
      cwd: REPO,
      env: { LOCUS_CLI_FROM_SOURCE: '1' },
    },
  ];
  if (options.compare) {
    const other = path.resolve(options.compare);
    commands.push({
      label: `locus -p at ${other}`,
      args: locus(other, path.join(root, 'compare')),
      cwd: other,
    });
  }
  const samples = new Map<string, ProcessUsage[]>(commands.map((c) => [c.label, []]));
  const loadBefore = loadAverage();
  try {
    // The first run creates the database (initdb): an install-time cost.
    for (const command of commands)
      await measureNode(command.args, { cwd: command.cwd, env: command.env });
    for (let run = 0; run < runs; run++) {
      for (const command of commands) {
        const usage = await measureNode(command.args, { cwd: command.cwd, env: command.env });
        samples.get(command.label)?.push(usage);
      }
      log(`startup: run ${run + 1}/${runs}`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return {
    runs,
    loadAverage: { before: loadBefore, after: loadAverage() },
    rows: commands.map((c) => summarise(c.label, samples.get(c.label) ?? [])),
  };
}
