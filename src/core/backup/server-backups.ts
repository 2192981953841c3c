import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocusError } from '../../shared/errors';
import type { ServerDatabase } from '../storage/open-database';

const run = promisify(execFile);

/** Where Debian and Ubuntu keep each PostgreSQL version's client tools. */
const DEBIAN_BIN = '/usr/lib/postgresql';

function majorOf(versionText: string): number {
  return Number(/(\d+)(?:\.\d+)?/.exec(versionText)?.[1] ?? 0);
}

/** Candidates for `tool`: $LOCUS_PG_BIN, Debian's versioned folders (newest first), then PATH. */
function candidates(tool: 'pg_dump' | 'pg_restore', env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  if (env.LOCUS_PG_BIN) found.push(path.join(env.LOCUS_PG_BIN, tool));
  try {
    const versions = fs
      .readdirSync(DEBIAN_BIN)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) found.push(path.join(DEBIAN_BIN, v, 'bin', tool));
  } catch {
    // Not Debian-style; PATH below.
  }
  found.push(tool);
  return found;
}

/**
 * A pg_dump/pg_restore at least as new as the server (an older pg_dump
 * refuses a newer server), or BACKUP_UNAVAILABLE saying what to install.
 */
export async function findServerTool(
  tool: 'pg_dump' | 'pg_restore',
  serverMajor: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const tooOld: string[] = [];
  for (const exe of candidates(tool, env)) {
    try {
      const { stdout } = await run(exe, ['--version']);
      const major = majorOf(stdout);
      if (major >= serverMajor) return exe;
      tooOld.push(`${exe} is version ${major}`);
    } catch {
      // Not installed there.
    }
  }
  throw new LocusError(
    'BACKUP_UNAVAILABLE',
    `Backing up a PostgreSQL server needs ${tool} ${serverMajor} or newer on this machine${tooOld.length ? ` (${tooOld.join('; ')})` : ', and none was found'}. Install the client tools (Debian/Ubuntu: sudo apt install postgresql-client-${serverMajor}, or PGDG's packages for newer versions), or back up on the server itself (pg_dump there, or your host's snapshots); "locus db copy --from <url>" also copies everything into a local folder.`,
    { tool, serverMajor },
  );
}

/**
 * The URL without its password, and the password for PGPASSWORD: arguments
 * are visible to every user of the machine (ps), the environment is not.
 */
function libpqArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = '';
  // libpq reads node-postgres's "no-verify" as an unknown sslmode; require means the same to it.
  if (parsed.searchParams.get('sslmode') === 'no-verify')
    parsed.searchParams.set('sslmode', 'require');
  return {
    dbname: parsed.toString(),
    env: { ...process.env, ...(password !== undefined ? { PGPASSWORD: password } : {}) },
  };
}

/** Dumps the server database to `file` in pg_dump's custom format (compressed, for pg_restore). */
export async function dumpServerDatabase(database: ServerDatabase, file: string): Promise<void> {
  const pgDump = await findServerTool('pg_dump', Math.floor(database.server.serverVersion / 10000));
  const { dbname, env } = libpqArgs(database.server.target.url);
  // pg_dump creates its file with the umask (often world-readable); made
  // first, owner-only, it writes into this one, like the embedded backups.
  fs.writeFileSync(file, '', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  try {
    await run(
      pgDump,
      ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`, `--dbname=${dbname}`],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    fs.rmSync(file, { force: true });
    throw new LocusError(
      'BACKUP_UNAVAILABLE',
      `pg_dump could not back up ${database.server.target.display}: ${((error as { stderr?: string }).stderr || (error as Error).message).trim()}`,
    );
  }
}

/** Reads a server backup's table of contents: a damaged or foreign file fails here. */
export async function checkServerBackup(file: string): Promise<{ tables: number }> {
  const pgRestore = await findServerTool('pg_restore', 0);
  try {
    const { stdout } = await run(pgRestore, ['--list', file], { maxBuffer: 16 * 1024 * 1024 });
    const tables = stdout.split('\n').filter((line) => / TABLE DATA public /.test(line)).length;
    if (!/ TABLE DATA public agents /.test(stdout)) throw new Error('it holds no Locus memory');
    return { tables };
  } catch (error) {
    throw new LocusError(
      'BACKUP_INVALID',
      `The backup ${path.basename(file)} is not a readable Locus server backup (${((error as { stderr?: string }).stderr || (error as Error).message).trim()}).`,
    );
  }
}

/** How to put a server backup back: into a new, empty database, with Locus closed everywhere. */
export function serverRestoreAdvice(file: string): string {
  return `A server backup is restored with PostgreSQL's own tools, into a new empty database: createdb -O <role> locus_restored && psql -d locus_restored -c 'CREATE EXTENSION vector' && pg_restore --no-owner --no-privileges --no-comments --single-transaction -d locus_restored ${file}; then start Locus with --database pointing at locus_restored.`;
}
