import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { dataDirLayout } from '../storage/data-dir';
import { fileSystemError, writeFileDurably } from '../storage/durable-files';
import { acquireDataDirLock } from '../storage/lock';
import { openDatabase, type Database } from '../storage/open-database';
import {
  listBackups,
  partialDumpName,
  removeStalePartialDumps,
  type BackupInfo,
} from './backup-list';
import { checkServerBackup, dumpServerDatabase, serverRestoreAdvice } from './server-backups';
import { finishInterruptedRestore, swapInRestoredDatabase } from '../storage/restore-swap';

export { listBackups, type BackupInfo } from './backup-list';

const SERVER_BACKUP = /\.pgdump$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

export async function createBackup(
  database: Database,
  dataDir: string,
  kind: 'auto' | 'manual',
  clock: Clock,
): Promise<BackupInfo> {
  const dir = dataDirLayout(dataDir).backups;
  fs.mkdirSync(dir, { recursive: true });
  const now = clock.now();
  if (database.backend === 'postgres') {
    const file = path.join(dir, `locus-${kind}-${stamp(now)}.pgdump`);
    removeStalePartialDumps(dataDir);
    const partial = partialDumpName(file);
    await dumpServerDatabase(database, partial);
    fs.renameSync(partial, file);
    return { file, kind, createdAt: now.toISOString(), sizeBytes: fs.statSync(file).size };
  }
  const file = path.join(dir, `locus-${kind}-${stamp(now)}.tar.gz`);
  const dump = await database.pg.dumpDataDir('gzip');
  // Every byte or nothing: a short write on a nearly full disk is an error, not a backup.
  writeFileDurably(file, new Uint8Array(await dump.arrayBuffer()));
  return { file, kind, createdAt: now.toISOString(), sizeBytes: fs.statSync(file).size };
}

/**
 * The rolling automatic backup: one when the newest automatic backup is older
 * than the interval, keeping the newest `keep`. Manual backups are never pruned.
 */
export async function autoBackup(
  database: Database,
  dataDir: string,
  clock: Clock,
  options: { intervalMs?: number; keep?: number } = {},
): Promise<BackupInfo | null> {
  const interval = options.intervalMs ?? DAY_MS;
  const keep = Math.max(1, options.keep ?? 7);
  const now = clock.now().getTime();
  const newest = autoBackupsByAge(dataDir, clock.now()).find((b) => Date.parse(b.createdAt) <= now);
  if (newest && now - Date.parse(newest.createdAt) < interval) return null;
  const made = await createBackup(database, dataDir, 'auto', clock);
  for (const old of autoBackupsByAge(dataDir, clock.now()).slice(keep)) {
    fs.rmSync(old.file, { force: true });
  }
  return made;
}

/**
 * Automatic backups, newest first, by what can be known of their age. One
 * dated after `now` was made while the clock was wrong (every backup was made
 * before now): its real age is unknown, so it counts as the oldest. It must
 * neither stand in for today's backup nor outlive real ones when pruning
 * (issue 22, item 8: one backup dated 2030 stopped all later ones).
 */
function autoBackupsByAge(dataDir: string, now: Date): BackupInfo[] {
  const autos = listBackups(dataDir).filter((b) => b.kind === 'auto');
  const future = (b: BackupInfo) => Date.parse(b.createdAt) > now.getTime();
  return [...autos.filter((b) => !future(b)), ...autos.filter(future)];
}

/**
 * A backup inflates to about 10x its size (a PGlite data folder has many
 * empty pages); a "backup" that inflates far beyond that is a gzip bomb and
 * would take gigabytes of memory to open (issue 22, item 13).
 */
const MAX_INFLATE_RATIO = 100;
const MIN_INFLATE_LIMIT = 256 * 2 ** 20;

class TooLarge extends Error {}

/** Reads the whole compressed stream, keeping none of it, so damage or a bomb is found cheaply. */
async function checkCompression(file: string, compressedBytes: number): Promise<void> {
  const limit = Math.max(MIN_INFLATE_LIMIT, compressedBytes * MAX_INFLATE_RATIO);
  let inflated = 0;
  const count = new Writable({
    write(chunk: Buffer, _encoding, done) {
      inflated += chunk.length;
      done(inflated > limit ? new TooLarge() : null);
    },
  });
  try {
    await pipeline(fs.createReadStream(file), zlib.createGunzip(), count);
  } catch (error) {
    throw new LocusError(
      'BACKUP_INVALID',
      error instanceof TooLarge
        ? `The backup ${path.basename(file)} unpacks to more than ${Math.round(limit / 2 ** 20)} MB, far more than a Locus backup of its size; it was not restored. Pick another backup.`
        : `The backup ${path.basename(file)} is damaged (${(error as Error).message}); it was not restored. Pick another backup.`,
    );
  }
}

/** Opens a backup in memory and reads from it; throws BACKUP_INVALID if it cannot. */
export async function checkBackup(file: string): Promise<{ agents: number; messages: number }> {
  if (SERVER_BACKUP.test(file)) {
    // Read, then explain: a server's backup goes back with pg_restore, not into a folder.
    await checkServerBackup(file);
    throw new LocusError('INVALID_INPUT', serverRestoreAdvice(file), { file });
  }
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    throw new LocusError('BACKUP_INVALID', `Cannot read the backup ${file}.`);
  }
  // PGlite reports a damaged archive as an unhandled stream error that would
  // take the whole process down; check the compression here first.
  await checkCompression(file, size);
  const blob = new Blob([fs.readFileSync(file)]);
  let database: Database | undefined;
  try {
    database = await openDatabase({ template: blob });
    const agents = await database.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM agents');
    const messages = await database.pg.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages',
    );
    return { agents: agents.rows[0]?.n ?? 0, messages: messages.rows[0]?.n ?? 0 };
  } catch (error) {
    if (error instanceof LocusError && error.code === 'DATABASE_TOO_NEW') throw error;
    throw new LocusError(
      'BACKUP_INVALID',
      `The backup ${path.basename(file)} does not open (${(error as Error).message}); it was not restored. Pick another backup.`,
    );
  } finally {
    await database?.close();
  }
}

export interface RestoreResult {
  agents: number;
  messages: number;
  /** Where the replaced database is kept (null if there was none). */
  previous: string | null;
}

/**
 * Replaces the memory database with a backup, only after the backup has been
 * opened and read. Locus must not be running (the data folder's lock is
 * taken), but the current database need not open: a damaged one can be
 * replaced. The replaced database is kept beside it
 * (pgdata.before-restore-…), never deleted. Crash-safe: interrupted at any
 * moment, the next open finishes or undoes it (storage/restore-swap.ts).
 *
 * A host calls this with its core disposed, then opens a new core.
 */
export async function restoreBackup(
  dataDir: string,
  file: string,
  clock: Clock,
): Promise<RestoreResult> {
  const counts = await checkBackup(file);
  const now = clock.now();
  // Only the lock, not the database: a running Locus makes this fail before anything moves.
  const lock = acquireDataDirLock({ dataDir });
  try {
    finishInterruptedRestore(dataDir);
    const previous = await swapInRestoredDatabase({
      dataDir,
      backup: file,
      previous: `${dataDirLayout(dataDir).database}.before-restore-${stamp(now)}`,
      now,
      build: async (staging) => {
        const restored = await openDatabase({
          directory: staging,
          template: new Blob([fs.readFileSync(file)]),
          clock,
        });
        await restored.close();
      },
    });
    return { ...counts, previous };
  } catch (error) {
    throw fileSystemError(error, dataDir);
  } finally {
    lock.release();
  }
}
