import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { LocusError } from '../../shared/errors';
import type { Clock } from '../clock';
import { dataDirLayout } from '../storage/data-dir';
import { openDatabase, type Database } from '../storage/open-database';
import { checkServerBackup, dumpServerDatabase, serverRestoreAdvice } from './server-backups';

export interface BackupInfo {
  file: string;
  kind: 'auto' | 'manual';
  createdAt: string;
  sizeBytes: number;
}

/** Embedded databases dump to .tar.gz (PGlite's data dir), servers to .pgdump (pg_dump's custom format). */
const PATTERN = /^locus-(auto|manual)-(\d{8}T\d{6}\d{3}Z)\.(tar\.gz|pgdump)$/;
const SERVER_BACKUP = /\.pgdump$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function parseStamp(s: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(s);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : s;
}

/** Backups in the data folder, newest first. */
export function listBackups(dataDir: string): BackupInfo[] {
  const dir = dataDirLayout(dataDir).backups;
  if (!fs.existsSync(dir)) return [];
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

/** Writes beside and renames, after an fsync: a backup is whole or absent. */
function writeDurably(file: string, bytes: Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
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
    await dumpServerDatabase(database, `${file}.tmp`);
    fs.renameSync(`${file}.tmp`, file);
    return { file, kind, createdAt: now.toISOString(), sizeBytes: fs.statSync(file).size };
  }
  const file = path.join(dir, `locus-${kind}-${stamp(now)}.tar.gz`);
  const dump = await database.pg.dumpDataDir('gzip');
  writeDurably(file, Buffer.from(await dump.arrayBuffer()));
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
  const autos = listBackups(dataDir).filter((b) => b.kind === 'auto');
  const newest = autos[0];
  if (newest && clock.now().getTime() - Date.parse(newest.createdAt) < interval) return null;
  const made = await createBackup(database, dataDir, 'auto', clock);
  for (const old of listBackups(dataDir)
    .filter((b) => b.kind === 'auto')
    .slice(keep)) {
    fs.rmSync(old.file, { force: true });
  }
  return made;
}

/** Opens a backup in memory and reads from it; throws BACKUP_INVALID if it cannot. */
export async function checkBackup(file: string): Promise<{ agents: number; messages: number }> {
  if (SERVER_BACKUP.test(file)) {
    // Read, then explain: a server's backup goes back with pg_restore, not into a folder.
    await checkServerBackup(file);
    throw new LocusError('INVALID_INPUT', serverRestoreAdvice(file), { file });
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new LocusError('BACKUP_INVALID', `Cannot read the backup ${file}.`);
  }
  // PGlite reports a damaged archive as an unhandled stream error that would
  // take the whole process down; check the compression here first.
  try {
    zlib.gunzipSync(bytes);
  } catch (error) {
    throw new LocusError(
      'BACKUP_INVALID',
      `The backup ${path.basename(file)} is damaged (${(error as Error).message}); it was not restored. Pick another backup.`,
    );
  }
  const blob = new Blob([bytes]);
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

/**
 * Replaces the memory database with a backup, only after the backup has been
 * opened and read. The current database is kept beside it
 * (pgdata.before-restore-…) rather than deleted. Locus must not be running.
 */
export async function restoreBackup(
  dataDir: string,
  file: string,
  clock: Clock,
): Promise<{ agents: number; messages: number; previous: string }> {
  const counts = await checkBackup(file);
  const layout = dataDirLayout(dataDir);
  const previous = `${layout.database}.before-restore-${stamp(clock.now())}`;
  // Opening takes the lock, so a running Locus makes this fail before anything moves.
  const probe = await openDatabase({ dataDir });
  await probe.close();
  fs.renameSync(layout.database, previous);
  try {
    const restored = await openDatabase({
      dataDir,
      template: new Blob([fs.readFileSync(file)]),
    });
    await restored.close();
  } catch (error) {
    fs.rmSync(layout.database, { recursive: true, force: true });
    fs.renameSync(previous, layout.database);
    throw error;
  }
  return { ...counts, previous };
}
