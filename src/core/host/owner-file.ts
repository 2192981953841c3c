import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { lockPathFor } from '../storage/lock';

/**
 * How the process holding a data folder tells other Locus processes where to
 * reach it: a small file beside the lock, readable only by its owner (it
 * carries the host's token), removed when the holder stops. Clients never
 * trust it blindly: see readOwner().
 */
const OWNER_FILE = 'locus.owner.json';

const OwnerSchema = z.object({
  version: z.literal(1),
  pid: z.number().int().positive(),
  hostname: z.string(),
  /** Always http://127.0.0.1:<port>; anything else is refused. */
  url: z.string(),
  token: z.string().min(16),
  /** What the holder is ("Locus app", "locus serve"), for messages. */
  kind: z.string().max(100),
  startedAt: z.string(),
});
export type OwnerInfo = z.infer<typeof OwnerSchema>;

export function ownerFilePath(dataDir: string): string {
  return path.join(dataDir, OWNER_FILE);
}

export interface OwnerPublication {
  readonly file: string;
  readonly info: OwnerInfo;
  /** Removes the file, unless another process has replaced it since. */
  remove(): void;
}

/**
 * Publishes this process as the owner of a data folder. Call it only while
 * holding the folder's lock; written beside and renamed, mode 0600, so a
 * reader never sees half a file or another user's token.
 */
export function publishOwner(
  dataDir: string,
  host: { url: string; token: string },
  kind: string,
): OwnerPublication {
  const info: OwnerInfo = {
    version: 1,
    pid: process.pid,
    hostname: os.hostname(),
    url: host.url,
    token: host.token,
    kind,
    startedAt: new Date().toISOString(),
  };
  const file = ownerFilePath(dataDir);
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(info), { mode: 0o600 });
  fs.renameSync(temp, file);
  let removed = false;
  const onExit = (): void => remove();
  function remove(): void {
    if (removed) return;
    removed = true;
    process.off('exit', onExit);
    const current = parseOwnerFile(file);
    if (current && current.pid === info.pid && current.startedAt === info.startedAt) {
      fs.rmSync(file, { force: true });
    }
  }
  process.on('exit', onExit);
  return { file, info, remove };
}

function parseOwnerFile(file: string): OwnerInfo | null {
  try {
    const parsed = OwnerSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockHolderPid(dataDir: string): number | null {
  try {
    const holder = JSON.parse(fs.readFileSync(lockPathFor(dataDir), 'utf8')) as { pid?: unknown };
    return typeof holder.pid === 'number' ? holder.pid : null;
  } catch {
    return null;
  }
}

/** Only a plain-HTTP loopback address: the token must never leave this machine. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      parsed.protocol === 'http:' &&
      parsed.hostname === '127.0.0.1' &&
      parsed.port !== '' &&
      parsed.pathname === '/' &&
      !parsed.username &&
      !parsed.password
    );
  } catch {
    return false;
  }
}

/**
 * The published owner of a data folder, if the file is believable: ours
 * (same user, not writable by others), written on this machine by a process
 * that is alive and holds the folder's lock now, and pointing at loopback.
 * A file left by a crash, or planted by someone else, reads as no owner.
 * Whether the host really answers is the caller's last check (remote-core).
 */
export function readOwner(dataDir: string): OwnerInfo | null {
  const file = ownerFilePath(dataDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return null;
  }
  if (!stat.isFile()) return null;
  if (process.platform !== 'win32') {
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return null;
    if ((stat.mode & 0o077) !== 0) return null;
  }
  const info = parseOwnerFile(file);
  if (!info) return null;
  if (info.hostname !== os.hostname()) return null;
  if (info.pid === process.pid || !isAlive(info.pid)) return null;
  if (lockHolderPid(dataDir) !== info.pid) return null;
  if (!isLoopbackUrl(info.url)) return null;
  return info;
}
