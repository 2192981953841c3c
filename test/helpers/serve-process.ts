import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { repoRoot, waitForExit, waitForOutput } from './spawn-tsx';
import { onCleanup } from './test-core';

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  /** The loopback base URL it printed. */
  url: string;
  /** SIGTERM, as Ctrl+C or a service manager would; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `locus serve` in a real second process on a data folder, until the test ends. */
export async function startServe(
  dataDir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin/locus.js'),
      'serve',
      '--data-dir',
      dataDir,
      '--embedder',
      'fake',
      '--model',
      'scripted',
      '--json',
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, ...env } },
  );
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const printed = await waitForOutput(child, '"apiUrl"');
  const line = printed.split('\n').find((l) => l.includes('"apiUrl"')) ?? '{}';
  const url = (JSON.parse(line) as { apiUrl: string }).apiUrl;
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      return waitForExit(child);
    },
  };
}
