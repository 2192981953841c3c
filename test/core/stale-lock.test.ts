import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, lockPathFor } from '../../src/core/storage/lock';
import { onCleanup, tempDir } from '../helpers/test-core';

const linux = fs.existsSync('/proc/self/stat');

/** A live process that has nothing to do with Locus: what a reused pid points at. */
function unrelatedProcess(): number {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  return child.pid as number;
}

function startTicks(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] as string;
}

function writeLock(dataDir: string, holder: Record<string, unknown>): void {
  fs.writeFileSync(
    lockPathFor(dataDir),
    JSON.stringify({ hostname: os.hostname(), command: 'locus chat', ...holder }),
  );
}

describe.skipIf(!linux)('a stale lock whose pid now belongs to another process', () => {
  it('is reclaimed when the recorded start time is not that process’s', () => {
    const dataDir = tempDir();
    const pid = unrelatedProcess();
    writeLock(dataDir, { pid, startedAt: new Date().toISOString(), processStart: '1' });
    const lock = acquireDataDirLock({ dataDir });
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it('is reclaimed when an older lock without a start time predates the process', () => {
    const dataDir = tempDir();
    const pid = unrelatedProcess();
    writeLock(dataDir, { pid, startedAt: '2020-01-01T00:00:00.000Z' });
    const lock = acquireDataDirLock({ dataDir });
    expect(lock.holder.processStart).toBe(startTicks(process.pid));
    lock.release();
  });

  it('still protects the folder when the pid is the process that took the lock', () => {
    const dataDir = tempDir();
    const pid = unrelatedProcess();
    writeLock(dataDir, { pid, startedAt: new Date().toISOString(), processStart: startTicks(pid) });
    expect(() => acquireDataDirLock({ dataDir })).toThrow(
      expect.objectContaining({ code: 'DATA_DIR_LOCKED' }),
    );
  });

  it('is reclaimed after a reboot, whatever the pid', () => {
    const dataDir = tempDir();
    writeLock(dataDir, {
      pid: process.ppid,
      startedAt: new Date().toISOString(),
      bootId: '00000000-0000-0000-0000-000000000000',
    });
    acquireDataDirLock({ dataDir }).release();
  });
});

/**
 * A killed process stays in the process table as a zombie until its parent
 * waits for it; a parent that never does (a container without an init, a
 * supervisor script that execs) keeps it there indefinitely.
 */
async function zombieProcess(): Promise<{ pid: number; ticks: string }> {
  const parent = spawn('sh', ['-c', 'sleep 600 & echo $!; exec sleep 600'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  onCleanup(() => {
    parent.kill('SIGKILL');
  });
  const pid = await new Promise<number>((resolve) =>
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  // Until the shell has exec'd into `sleep`, it would reap its child itself
  // (a busy CI machine killed the child first, and its /proc entry was gone).
  const parentPid = parent.pid as number;
  while (fs.readFileSync(`/proc/${parentPid}/comm`, 'utf8').trim() !== 'sleep') {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const ticks = startTicks(pid);
  process.kill(pid, 'SIGKILL');
  // Wait until the kernel has made it a zombie (state Z), not just signalled it.
  for (;;) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { pid, ticks };
}

describe.skipIf(!linux)('a lock whose holder was killed but not yet reaped', () => {
  it('is reclaimed: a zombie holds no files and writes nothing', async () => {
    const dataDir = tempDir();
    const zombie = await zombieProcess();
    writeLock(dataDir, {
      pid: zombie.pid,
      startedAt: new Date().toISOString(),
      processStart: zombie.ticks,
    });
    const lock = acquireDataDirLock({ dataDir });
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });
});
