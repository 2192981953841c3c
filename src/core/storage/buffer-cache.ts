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
 * At most Postgres's default. 512 MB made cold searches at 100k passages
 * faster when that folder was 1.6 GB (p50/p95 34/51 -> 21/33 ms), but PGlite
 * commits the whole cache, so the process sat near 1 GB of RSS; with halfvec
 * vectors the folder is about half that size, and a laptop app should stay
 * well under 300 MB without a model (docs/benchmarks.md, peers suite).
 */
export const MAX_SHARED_BUFFERS_MB = 128;

/**
 * How much buffer cache to give the database, in MB: as much as the
 * database, at least 16 MB, at most 128 MB and at most 1/16 of the
 * machine's memory. A search walks the vector index and reads the rows it
 * ranks: a cache of a third of a 10k-passage folder (16 of 42 MB) missed
 * 160 pages a search, each copied in from the file system, and searches
 * cost ~15% more CPU than with the whole folder cached (bench/peers data).
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
