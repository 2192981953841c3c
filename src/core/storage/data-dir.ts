import os from 'node:os';
import path from 'node:path';

export interface DataDirOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Defaults to os.homedir(). */
  home?: string;
}

/**
 * Where Locus keeps memory when no --data-dir is given: the OS's per-user
 * application-data folder. The desktop app and the CLI use the same answer so
 * they share one memory (and one lock).
 */
export function defaultDataDir(options: DataDirOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? os.homedir();
  if (env.LOCUS_DATA_DIR) return path.resolve(env.LOCUS_DATA_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Locus');
  if (platform === 'win32') {
    return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Locus');
  }
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'locus');
}

/** The folders inside a data dir; the lock file sits beside the database, not in it. */
export function dataDirLayout(dataDir: string): {
  database: string;
  models: string;
  backups: string;
  captureJournal: string;
  /** Derived data any process may rebuild (relevance.ts's reference vectors). */
  cache: string;
} {
  return {
    captureJournal: path.join(dataDir, 'captures.journal'),
    cache: path.join(dataDir, 'cache'),
    database: path.join(dataDir, 'pgdata'),
    models: path.join(dataDir, 'models'),
    backups: path.join(dataDir, 'backups'),
  };
}
