import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ProcessUsage {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  stdout: string;
}

const REPORTER = path.join(import.meta.dirname, 'report-usage.mjs');

/**
 * Runs `node <args>` to completion and returns its wall time, CPU time and
 * peak RSS (reported by the process itself on exit). Fails on a non-zero exit.
 */
export async function measureNode(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcessUsage> {
  const usageFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'locus-usage-')), 'usage.json');
  const start = performance.now();
  const child = spawn(process.execPath, ['--import', REPORTER, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, LOCUS_BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const wallMs = performance.now() - start;
  try {
    if (code !== 0) {
      throw new Error(`node ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`);
    }
    const usage = JSON.parse(fs.readFileSync(usageFile, 'utf8')) as {
      cpuMs: number;
      peakRssMb: number;
    };
    return { wallMs, cpuMs: usage.cpuMs, peakRssMb: usage.peakRssMb, stdout };
  } finally {
    fs.rmSync(path.dirname(usageFile), { recursive: true, force: true });
  }
}

/** The 1-minute load average, to print beside timings taken on a shared machine. */
export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}
