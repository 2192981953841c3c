import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocusError } from '../../shared/errors';
import { writeAllSync } from './durable-files';

export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
  /**
   * Which process this pid was when the lock was taken (Linux: its start
   * time in clock ticks since boot, from /proc). A pid is reused once its
   * process is gone; a different start time means the lock is stale.
   */
  processStart?: string;
  /** The boot the lock was taken in (Linux): after a reboot every old lock is stale. */
  bootId?: string;
}

export interface DataDirLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

export interface AcquireLockOptions {
  /** The Locus data folder; the lock file lives beside the database, never inside it. */
  dataDir: string;
  /** What this process is, shown to a second opener. Defaults to the process's own command line. */
  command?: string;
}

const LOCK_FILE = 'locus.lock';
const STEAL_GUARD = 'locus.lock.steal';
/** A steal guard older than this belongs to a process that died mid-steal. */
const STEAL_GUARD_STALE_MS = 10_000;
const UNREADABLE_GRACE_MS = 2_000;

export function lockPathFor(dataDir: string): string {
  return path.join(dataDir, LOCK_FILE);
}

/**
 * Takes the exclusive lock on a data folder before its database is opened.
 * PGlite gives no protection against a second process on the same folder (it
 * silently corrupts), so every opener goes through here first.
 *
 * A lock left by a crashed process on this machine is reclaimed; a live holder
 * makes this throw DATA_DIR_LOCKED naming it.
 */
export function acquireDataDirLock(options: AcquireLockOptions): DataDirLock {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const lockPath = lockPathFor(options.dataDir);
  const identity = processIdentity(process.pid);
  const boot = bootId();
  const holder: LockHolder = {
    pid: process.pid,
    hostname: os.hostname(),
    command: options.command ?? describeProcess(),
    startedAt: new Date().toISOString(),
    ...(identity?.ticks ? { processStart: identity.ticks } : {}),
    ...(boot ? { bootId: boot } : {}),
  };
  const body = JSON.stringify(holder);

  for (let attempt = 0; attempt < 20; attempt++) {
    if (tryCreateExclusive(lockPath, body)) return makeLock(lockPath, holder);
    const existing = readHolder(lockPath);
    if (existing === 'missing') continue;
    if (existing === 'unreadable' && ageMs(lockPath) < UNREADABLE_GRACE_MS) {
      // Its holder may be between creating the file and writing its name.
      sleepSync(50);
      continue;
    }
    if (existing !== 'unreadable' && isAlive(existing))
      throw lockedError(options.dataDir, existing);
    reclaimStaleLock(options.dataDir, lockPath, existing);
  }
  const existing = readHolder(lockPath);
  throw lockedError(options.dataDir, typeof existing === 'string' ? undefined : existing);
}

function makeLock(lockPath: string, holder: LockHolder): DataDirLock {
  let released = false;
  const onExit = (): void => release();
  function release(): void {
    if (released) return;
    released = true;
    process.off('exit', onExit);
    const current = readHolder(lockPath);
    // Never delete a lock that another process has since taken.
    if (
      typeof current !== 'string' &&
      current.pid === holder.pid &&
      current.startedAt === holder.startedAt
    ) {
      fs.rmSync(lockPath, { force: true });
    }
  }
  process.on('exit', onExit);
  return { path: lockPath, holder, release };
}

function tryCreateExclusive(file: string, body: string): boolean {
  try {
    const fd = fs.openSync(file, 'wx', 0o600);
    try {
      writeAllSync(fd, body);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readHolder(lockPath: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return 'unreadable';
    return {
      pid: parsed.pid,
      hostname: parsed.hostname,
      command: String(parsed.command ?? 'unknown'),
      startedAt: String(parsed.startedAt ?? ''),
      ...(typeof parsed.processStart === 'string' ? { processStart: parsed.processStart } : {}),
      ...(typeof parsed.bootId === 'string' ? { bootId: parsed.bootId } : {}),
    };
  } catch {
    // A holder that died between creating and writing the file leaves it empty.
    return 'unreadable';
  }
}

function isAlive(holder: LockHolder): boolean {
  // On another machine (a synced folder) we cannot check; assume it is alive.
  if (holder.hostname !== os.hostname()) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return isSameProcess(holder);
}

/**
 * Whether the live process with the holder's pid is the one that took the
 * lock, not a later process that got the same pid (issue 22, item 12: a
 * stale lock named an unrelated process and blocked every start). When it
 * cannot be told, the holder is taken to be alive: refusing to start is
 * recoverable, two openers corrupt the database.
 */
function isSameProcess(holder: LockHolder): boolean {
  const boot = bootId();
  if (holder.bootId && boot && holder.bootId !== boot) return false;
  const now = processIdentity(holder.pid);
  if (!now) return true;
  // A killed holder whose parent has not reaped it yet is a zombie: it holds
  // no files and writes nothing, but kill(pid, 0) still succeeds, and a
  // parent that never reaps (a container without an init) would lock the
  // folder until that parent exits.
  if (now.gone) return false;
  if (holder.processStart && now.ticks) return holder.processStart === now.ticks;
  // A lock without the start ticks (an older Locus, or not Linux): a
  // process that started after the lock was written cannot have written it.
  const lockedAt = Date.parse(holder.startedAt);
  if (now.startedAtMs !== undefined && !Number.isNaN(lockedAt))
    return now.startedAtMs <= lockedAt + START_TIME_SLACK_MS;
  return true;
}

/** Start times from /proc or ps are accurate to about a second. */
const START_TIME_SLACK_MS = 2_000;

function bootId(): string | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/**
 * When a process started: Linux's exact start time in clock ticks since
 * boot (and as a wall-clock time), or on macOS the wall-clock time from ps.
 */
function processIdentity(
  pid: number,
): { ticks?: string; startedAtMs?: number; gone?: boolean } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (command) state ...": the command may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields[19];
    if (!ticks || !/^\d+$/.test(ticks)) return null;
    // State Z (zombie) or X (dead): exited, only its process-table entry left.
    const gone = fields[0] === 'Z' || fields[0] === 'X';
    const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1];
    // Linux reports start times in USER_HZ, 100 on every mainstream platform.
    return {
      ticks,
      ...(gone ? { gone } : {}),
      ...(btime ? { startedAtMs: Number(btime) * 1000 + Number(ticks) * 10 } : {}),
    };
  } catch {
    // Not Linux, or the process is gone.
  }
  if (process.platform !== 'darwin') return null;
  try {
    const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const ms = Date.parse(started);
    return Number.isNaN(ms) ? null : { startedAtMs: ms };
  } catch {
    return null;
  }
}

/**
 * Two processes may both see the same stale lock; the steal guard makes sure
 * only one of them removes it, so neither deletes a lock the other just took.
 */
function reclaimStaleLock(
  dataDir: string,
  lockPath: string,
  seen: LockHolder | 'unreadable',
): void {
  const guard = path.join(dataDir, STEAL_GUARD);
  if (!tryCreateExclusive(guard, String(process.pid))) {
    if (ageMs(guard) > STEAL_GUARD_STALE_MS) fs.rmSync(guard, { force: true });
    sleepSync(50);
    return;
  }
  try {
    const again = readHolder(lockPath);
    const unchanged =
      again === seen ||
      (typeof again !== 'string' &&
        typeof seen !== 'string' &&
        again.pid === seen.pid &&
        again.startedAt === seen.startedAt);
    if (unchanged) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function describeProcess(): string {
  const script = process.argv[1] ? path.basename(process.argv[1]) : 'node';
  return `${script} ${process.argv.slice(2).join(' ')}`.trim();
}

function lockedError(dataDir: string, holder: LockHolder | undefined): LocusError {
  const who = holder
    ? `process ${holder.pid} on ${holder.hostname} ("${holder.command}", since ${holder.startedAt})`
    : 'another process';
  return new LocusError(
    'DATA_DIR_LOCKED',
    `The Locus data folder ${dataDir} is already in use by ${who}. Close that Locus window or command and try again; opening it twice would corrupt your memory.`,
    holder ? { dataDir, holder: { ...holder } } : { dataDir },
  );
}
