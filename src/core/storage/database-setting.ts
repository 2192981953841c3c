import fs from 'node:fs';
import path from 'node:path';
import { LocusError } from '../../shared/errors';
import { parseDatabaseUrl } from './backends/database-url';
import { connectServer } from './backends/open-server';
import { checkSchemaKnown } from './migrate';
import { migrations } from './migrations/registry';

/** The environment variable that points Locus at a PostgreSQL server. */
export const DATABASE_URL_ENV = 'LOCUS_DATABASE_URL';

/** Where the choice made in the app is kept: in the data folder, beside (not in) the database. */
export function databaseSettingPath(dataDir: string): string {
  return path.join(dataDir, 'database.json');
}

export type DatabaseSource = 'flag' | 'env' | 'setting' | 'embedded';

export interface DatabaseChoice {
  /** A server URL, or null for the embedded database in the data folder. */
  url: string | null;
  /** Which of --database, LOCUS_DATABASE_URL, the app's setting or the default decided. */
  source: DatabaseSource;
}

/** The server URL saved by the app (database.set, `locus db use`), if any. */
export function readSavedDatabaseUrl(dataDir: string): string | null {
  let text: string;
  try {
    text = fs.readFileSync(databaseSettingPath(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as { url?: unknown };
    return typeof parsed.url === 'string' && parsed.url.trim() ? parsed.url.trim() : null;
  } catch {
    throw new LocusError(
      'INVALID_INPUT',
      `${databaseSettingPath(dataDir)} is not valid JSON. Fix it, or delete it to use the embedded database.`,
    );
  }
}

/**
 * Saves (or, with null, forgets) the server to use from the next start. The
 * URL may hold a password, so the file is readable by its owner only.
 */
export function saveDatabaseUrl(dataDir: string, url: string | null): void {
  const file = databaseSettingPath(dataDir);
  if (url === null) {
    fs.rmSync(file, { force: true });
    return;
  }
  parseDatabaseUrl(url);
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ url }, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Which database to open: --database, then LOCUS_DATABASE_URL, then the
 * app's saved setting, else the embedded one. `embedded` as a flag or
 * variable value forces the embedded database over a saved setting.
 */
export function resolveDatabase(options: {
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  dataDir: string;
}): DatabaseChoice {
  const env = options.env ?? process.env;
  const pick = (value: string | undefined, source: DatabaseSource): DatabaseChoice | null => {
    const trimmed = value?.trim();
    if (!trimmed) return null;
    if (trimmed === 'embedded') return { url: null, source };
    parseDatabaseUrl(trimmed);
    return { url: trimmed, source };
  };
  return (
    pick(options.flag, 'flag') ??
    pick(env[DATABASE_URL_ENV], 'env') ??
    pick(readSavedDatabaseUrl(options.dataDir) ?? undefined, 'setting') ?? {
      url: null,
      source: 'embedded',
    }
  );
}

/**
 * Saves `url` as the database for the next start once it is usable
 * (reachable, signed in, pgvector there); null goes back to the embedded one.
 */
export async function checkAndSaveDatabaseUrl(dataDir: string, url: string | null): Promise<void> {
  if (url !== null && url.trim() !== 'embedded') {
    const server = await connectServer({ url: url.trim() });
    try {
      await checkSchemaKnown(server.db, migrations);
    } finally {
      await server.close();
    }
    saveDatabaseUrl(dataDir, url.trim());
    return;
  }
  saveDatabaseUrl(dataDir, null);
}
