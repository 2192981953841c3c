import fs from 'node:fs';
import path from 'node:path';
import { LocusError } from '../../shared/errors';

/**
 * Writes every byte: fs.writeSync may write fewer bytes than asked (a nearly
 * full disk does exactly that) and says so only in its return value. A write
 * that makes no progress is a full disk.
 */
export function writeAllSync(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let offset = 0;
  while (offset < bytes.length) {
    const written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) {
      throw Object.assign(new Error('no space left on device (a write made no progress)'), {
        code: 'ENOSPC',
      });
    }
    offset += written;
  }
}

/** Makes a rename or a new file in `dir` itself durable; not possible (nor needed) on Windows. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a directory for fsync; its renames are durable enough.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes `file` whole or not at all: beside it, every byte, fsync, rename,
 * fsync of the folder. On failure nothing is left behind, not even the
 * temporary file, and the error says what happened (DISK_FULL on a full disk).
 */
export function writeFileDurably(file: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = `${file}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w', mode);
    try {
      writeAllSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw fileSystemError(error, file);
  }
  fsyncDir(path.dirname(file));
}

/**
 * fsyncs every file and folder under `dir`: PGlite never fsyncs, so a database
 * folder about to replace another is flushed by hand first.
 */
export function fsyncTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) fsyncTree(full);
    else if (entry.isFile()) {
      const fd = fs.openSync(full, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fsyncDir(dir);
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);

/**
 * A file-system failure a user can fix, as a stable code with what to do;
 * anything else is returned unchanged.
 */
export function fileSystemError(error: unknown, where: string): unknown {
  if (error instanceof LocusError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && DISK_FULL.has(code)) {
    return new LocusError(
      'DISK_FULL',
      `The disk is full: Locus could not write ${where}. Nothing was half-written; free some space and try again.`,
      { path: where },
    );
  }
  if (code && READ_ONLY.has(code)) {
    return new LocusError(
      'DATA_DIR_READ_ONLY',
      `Locus may not write ${where} (${code === 'EROFS' ? 'the disk is mounted read-only' : 'permission denied'}). Make the folder writable for your user, or choose another one with --data-dir or LOCUS_DATA_DIR.`,
      { path: where },
    );
  }
  return error;
}
