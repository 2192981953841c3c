import fs from 'node:fs';
import path from 'node:path';
import { dataDirLayout } from '../storage/data-dir';

export interface BackupInfo {
  file: string;
  kind: 'auto' | 'manual';
  createdAt: string;
  sizeBytes: number;
}

/** Embedded databases dump to .tar.gz (PGlite's data dir), servers to .pgdump (pg_dump's custom format). */
const PATTERN = /^locus-(auto|manual)-(\d{8}T\d{6}\d{3}Z)\.(tar\.gz|pgdump)$/;

function parseStamp(s: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(s);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : s;
}

/** pg_dump writes to `<backup>.<pid>.tmp` and renames it when done; older builds wrote `<backup>.tmp`. */
const DUMP_IN_PROGRESS = /^locus-(?:auto|manual)-\d{8}T\d{9}Z\.pgdump\.(?:(\d+)\.)?tmp$/;
/** A pid-less partial dump untouched this long was left by a killed pg_dump (a live one keeps writing). */
const LEGACY_PARTIAL_AGE_MS = 60 * 60 * 1000;

export function partialDumpName(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes partial dumps whose writer is gone: a killed pg_dump (or Locus)
 * leaves one that nothing would ever remove, holding a whole copy of the
 * memory. One whose process is still running is being written, and stays.
 */
export function removeStalePartialDumps(dataDir: string): void {
  const dir = dataDirLayout(dataDir).backups;
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    const m = DUMP_IN_PROGRESS.exec(name);
    if (!m) continue;
    const file = path.join(dir, name);
    try {
      const stale = m[1]
        ? !alive(Number(m[1]))
        : Date.now() - fs.statSync(file).mtimeMs > LEGACY_PARTIAL_AGE_MS;
      if (stale) fs.rmSync(file, { force: true });
    } catch {
      // Gone already, or not ours to remove: the next listing tries again.
    }
  }
}

/**
 * Backups in the data folder, newest first (removing partial dumps left by killed pg_dumps). Apart from the rest of backups.ts,
 * which opens databases, so that opening one can name a backup when it fails.
 */
export function listBackups(dataDir: string): BackupInfo[] {
  const dir = dataDirLayout(dataDir).backups;
  if (!fs.existsSync(dir)) return [];
  removeStalePartialDumps(dataDir);
  return fs
    .readdirSync(dir)
    .flatMap((name) => {
      const m = PATTERN.exec(name);
      if (!m) return [];
      const file = path.join(dir, name);
      return [
        {
          file,
          kind: m[1] as 'auto' | 'manual',
          createdAt: parseStamp(m[2] as string),
          sizeBytes: fs.statSync(file).size,
        },
      ];
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
