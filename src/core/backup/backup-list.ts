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

/**
 * Backups in the data folder, newest first. Apart from the rest of backups.ts,
 * which opens databases, so that opening one can name a backup when it fails.
 */
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
