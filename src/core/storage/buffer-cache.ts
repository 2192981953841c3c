import fs from 'node:fs';
import path from 'node:path';

const MB = 2 ** 20;
/**
 * What a small memory folder gets. PGlite commits the whole cache when it
 * starts, so Postgres's default of 128 MB cost ~110 MB of RSS even for a
 * new, nearly empty folder (and `locus -p` paid it on every run); a folder
 * that small fits in a few MB of cache, and the OS caches its files anyway.
 */
export const MIN_SHARED_BUFFERS_MB = 16;
/**
 * At most this. Every page of the cache a process touches stays in its RSS
 * (128 MB cost ~115 MB at every open, when PGlite committed it whole), while a page it misses
 * is copied in from the OS's file cache, which holds the folder anyway. On
 * the peers suite's folders (single-precision vectors), search CPU was the
 * same with 16, 32 or 72 MB at 10k passages (72 MB folder) and with 32, 128
 * or 640 MB at 100k (627 MB): a search's pages are mostly the graph nodes
 * and rows it visits once, which no laptop-sized cache keeps between
 * searches (docs/benchmarks.md, speed and footprint). 512 MB had helped
 * cold searches when the 100k folder was 1.6 GB of full-precision vectors
 * and no statistics (see Cost at scale), at ~1 GB of RSS. Since the
 * process reads every row's signs once (memory/sign-index.ts), the whole
 * cache is touched: 32 MB left a 100k-passage process with the built-in
 * model ~17 MB higher than 16 MB, for the same search time (eighth session).
 */
export const MAX_SHARED_BUFFERS_MB = 16;

/**
 * How much buffer cache to give the database, in MB: as much as the
 * database, at least 16 MB, at most 32 MB and at most 1/16 of the
 * machine's memory.
 */
export function sharedBuffersMb(databaseBytes: number, totalMemoryBytes: number): number {
  const wanted = Math.round(databaseBytes / MB);
  const ceiling = Math.min(MAX_SHARED_BUFFERS_MB, Math.floor(totalMemoryBytes / 16 / MB));
  return Math.max(MIN_SHARED_BUFFERS_MB, Math.min(wanted, ceiling));
}

/** Bytes of every file under `dir`; 0 for a folder that does not exist yet. */
export function folderBytes(dir: string): number {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += fs.statSync(full, { throwIfNoEntry: false })?.size ?? 0;
  }
  return total;
}
