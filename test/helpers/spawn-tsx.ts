import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

/** Runs a TypeScript file of this repo in a new Node process. */
export function spawnTsx(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, file), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
  });
}

/**
 * Resolves with everything printed once `marker` appears on stdout; rejects
 * if the process exits first. No time limit: how long a start takes depends
 * on the machine's load (the test's own timeout catches a hang).
 */
export function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  marker: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(marker)) resolve(out);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      if (!out.includes(marker))
        reject(new Error(`exited with ${code} before "${marker}"; stderr: ${err}`));
    });
  });
}

/** Everything a process prints on stdout until it exits. */
export function outputUntilExit(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export function waitForExit(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}
