import fs from 'node:fs';
import path from 'node:path';
import { dataDirLayout } from './data-dir';
import { fsyncDir, fsyncTree, writeFileDurably } from './durable-files';

/**
 * Putting a restored database in place, crash-safely. The restore is built in
 * a staging folder beside the database, then swapped in by renames; a marker
 * file says how far it got, and the next opener of the folder finishes or
 * undoes it (finishInterruptedRestore). So a restore killed at any moment
 * leaves either the old database or the restored one in place, never an
 * empty or half-extracted folder (issue 22, item 2).
 *
 *   phase "staging": the backup is being unpacked; undo = delete the staging folder.
 *   phase "swap":    staging is complete and flushed; finish = rename the current
 *                    database aside (kept, never deleted) and staging into place.
 */
interface RestoreMarker {
  phase: 'staging' | 'swap';
  /** Where the replaced database goes; kept for the user, never deleted. */
  previous: string;
  backup: string;
  startedAt: string;
}

export interface RestoreRecovery {
  outcome: 'completed' | 'rolled-back';
  /** The replaced database, when a completed restore moved one aside. */
  previous: string | null;
  backup: string;
}

export function restorePaths(dataDir: string): { staging: string; marker: string } {
  return {
    staging: `${dataDirLayout(dataDir).database}.restoring`,
    marker: path.join(dataDir, 'restore.json'),
  };
}

function writeMarker(dataDir: string, marker: RestoreMarker): void {
  writeFileDurably(restorePaths(dataDir).marker, JSON.stringify(marker));
}

function readMarker(file: string): RestoreMarker | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<RestoreMarker>;
    if (
      (parsed.phase === 'staging' || parsed.phase === 'swap') &&
      typeof parsed.previous === 'string' &&
      typeof parsed.backup === 'string'
    ) {
      return {
        phase: parsed.phase,
        previous: parsed.previous,
        backup: parsed.backup,
        startedAt: String(parsed.startedAt ?? ''),
      };
    }
  } catch {
    // Written by rename, so never torn; treated as unknown below all the same.
  }
  return 'unreadable';
}

function exists(file: string): boolean {
  return fs.existsSync(file);
}

/** A name beside `wanted` that is not taken yet. */
function freeName(wanted: string): string {
  let name = wanted;
  for (let n = 2; exists(name); n++) name = `${wanted}-${n}`;
  return name;
}

/**
 * Finishes or undoes a restore that was interrupted. The caller holds the
 * data folder's lock. Returns what it did, or null when nothing was pending.
 */
export function finishInterruptedRestore(dataDir: string): RestoreRecovery | null {
  const { staging, marker } = restorePaths(dataDir);
  const read = readMarker(marker);
  if (read === 'missing') {
    // Staging without a marker: the marker is written first, so this is a
    // leftover of a restore that was already undone.
    if (exists(staging)) fs.rmSync(staging, { recursive: true, force: true });
    return null;
  }
  const database = dataDirLayout(dataDir).database;
  // An unknown marker: keep whatever database is in place (rolling back never loses it).
  const phase = read === 'unreadable' ? (exists(database) ? 'staging' : 'swap') : read.phase;
  const backup = read === 'unreadable' ? 'unknown' : read.backup;
  if (phase === 'staging' || !exists(staging)) {
    if (phase === 'staging') fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(marker, { force: true });
    fsyncDir(dataDir);
    const previous = read === 'unreadable' || !exists(read.previous) ? null : read.previous;
    return phase === 'staging'
      ? { outcome: 'rolled-back', previous: null, backup }
      : { outcome: 'completed', previous, backup };
  }
  let previous: string | null = null;
  if (exists(database)) {
    previous = freeName(
      read === 'unreadable' ? `${database}.before-restore-recovered` : read.previous,
    );
    fs.renameSync(database, previous);
  } else if (read !== 'unreadable' && exists(read.previous)) {
    previous = read.previous;
  }
  fs.renameSync(staging, database);
  fsyncDir(dataDir);
  fs.rmSync(marker, { force: true });
  fsyncDir(dataDir);
  return { outcome: 'completed', previous, backup };
}

export interface SwapInOptions {
  dataDir: string;
  backup: string;
  /** Where the current database will be kept. */
  previous: string;
  now: Date;
  /** Fills the (empty) staging folder with the restored database and closes it. */
  build: (staging: string) => Promise<void>;
}

/**
 * Builds the restored database in staging and swaps it in, by the protocol
 * above. The caller holds the data folder's lock. Returns where the replaced
 * database is kept (null when there was none).
 */
export async function swapInRestoredDatabase(options: SwapInOptions): Promise<string | null> {
  const { dataDir } = options;
  const { staging } = restorePaths(dataDir);
  const marker = {
    previous: freeName(options.previous),
    backup: options.backup,
    startedAt: options.now.toISOString(),
  };
  fs.rmSync(staging, { recursive: true, force: true });
  writeMarker(dataDir, { phase: 'staging', ...marker });
  try {
    await options.build(staging);
    fsyncTree(staging);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(restorePaths(dataDir).marker, { force: true });
    throw error;
  }
  writeMarker(dataDir, { phase: 'swap', ...marker });
  const done = finishInterruptedRestore(dataDir);
  return done?.previous ?? null;
}
