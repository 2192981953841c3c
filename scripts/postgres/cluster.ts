import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster for tests and local trials: initdb in a
 * temporary folder, a loopback port and a Unix socket in that folder, run as
 * a non-root user (PostgreSQL refuses to run as root; as root we run it as
 * LOCUS_PG_OS_USER, default `postgres`, which Debian's package creates).
 */

export interface PostgresInstall {
  /** The folder holding initdb, pg_ctl, postgres, pg_dump. */
  bin: string;
  major: number;
}

export type FindPostgresResult = ({ ok: true } & PostgresInstall) | { ok: false; reason: string };

const CANDIDATE_MAJORS = [18, 17, 16, 15];

/**
 * Finds a PostgreSQL 15+ server with pgvector installed: LOCUS_PG_BIN, else
 * Debian's /usr/lib/postgresql/<major>/bin, newest first.
 */
export function findPostgres(env: NodeJS.ProcessEnv = process.env): FindPostgresResult {
  const candidates = env.LOCUS_PG_BIN
    ? [env.LOCUS_PG_BIN]
    : CANDIDATE_MAJORS.map((major) => `/usr/lib/postgresql/${major}/bin`);
  const problems: string[] = [];
  for (const bin of candidates) {
    if (!fs.existsSync(path.join(bin, 'initdb')) || !fs.existsSync(path.join(bin, 'postgres'))) {
      problems.push(`no initdb/postgres in ${bin}`);
      continue;
    }
    const version = spawnSync(path.join(bin, 'postgres'), ['-V'], { encoding: 'utf8' });
    const major = Number(/(\d+)(?:\.\d+)?/.exec(version.stdout ?? '')?.[1]);
    if (!Number.isInteger(major) || major < 15) {
      problems.push(`${bin} is not PostgreSQL 15 or newer`);
      continue;
    }
    if (!fs.existsSync(path.join(shareDir(bin, major), 'extension', 'vector.control'))) {
      problems.push(`PostgreSQL ${major} in ${bin} has no pgvector`);
      continue;
    }
    return { ok: true, bin, major };
  }
  return { ok: false, reason: problems.join('; ') || 'no PostgreSQL found' };
}

function shareDir(bin: string, major: number): string {
  try {
    return execFileSync(path.join(bin, 'pg_config'), ['--sharedir'], { encoding: 'utf8' }).trim();
  } catch {
    return `/usr/share/postgresql/${major}`;
  }
}

export interface PostgresCluster {
  readonly install: PostgresInstall;
  readonly dir: string;
  readonly port: number;
  /** Superuser name and password (scram over loopback TCP). */
  readonly user: string;
  readonly password: string;
  /** A connection URL to `database` as the superuser (or as `role`/`password`). */
  url(database: string, role?: { user: string; password: string }): string;
  /** Runs SQL as the superuser through psql (for setup that must not go through Locus). */
  psql(database: string, sql: string): string;
  start(): void;
  /** `fast` waits for clients to be told; `immediate` is a crash (recovery on next start). */
  stop(mode?: 'fast' | 'immediate'): void;
  /** Stops the server and removes its folder. */
  destroy(): void;
}

export interface StartClusterOptions {
  install?: PostgresInstall;
  /** Defaults to a free loopback port. */
  port?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string>;
}

/** initdb + start; the caller destroys it. */
export async function startCluster(options: StartClusterOptions = {}): Promise<PostgresCluster> {
  const found = options.install ?? findPostgres();
  if ('ok' in found && !found.ok) throw new Error(`PostgreSQL not found: ${found.reason}`);
  const install = found as PostgresInstall;
  const asRoot = process.getuid?.() === 0;
  const osUser = process.env.LOCUS_PG_OS_USER ?? 'postgres';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locus-pg-'));
  const data = path.join(dir, 'data');
  const password = crypto.randomBytes(12).toString('hex');
  const user = 'locus';
  const port = options.port ?? (await freePort());
  fs.writeFileSync(path.join(dir, 'pwfile'), `${password}\n`, { mode: 0o600 });
  if (asRoot) execFileSync('chown', ['-R', osUser, dir]);

  // Runs a server binary, as the unprivileged user when we are root.
  const run = (tool: string, args: string[]): string => {
    const exe = path.join(install.bin, tool);
    const [file, argv] = asRoot ? ['runuser', ['-u', osUser, '--', exe, ...args]] : [exe, args];
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) {
      const log = readLog(dir);
      throw new Error(
        `${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}${log}`,
      );
    }
    return result.stdout;
  };

  run('initdb', [
    '-D',
    data,
    '-U',
    user,
    `--pwfile=${path.join(dir, 'pwfile')}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  // Throwaway data: durability on power loss is not what the tests check
  // (a stopped or killed server still replays its WAL), so skip the fsyncs.
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    // Planner statistics change only when Locus refreshes them, as on PGlite
    // (no autovacuum there): tests of that refresh stay deterministic.
    autovacuum: 'off',
    ...options.settings,
  };
  fs.appendFileSync(
    path.join(data, 'postgresql.conf'),
    Object.entries(settings)
      .map(([name, value]) => `${name} = '${value}'\n`)
      .join(''),
  );

  const cluster: PostgresCluster = {
    install,
    dir,
    port,
    user,
    password,
    url(database, role) {
      const who = role ?? { user, password };
      return `postgres://${encodeURIComponent(who.user)}:${encodeURIComponent(who.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    },
    psql(database, sql) {
      return run('psql', [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        dir,
        '-p',
        String(port),
        '-U',
        user,
        '-d',
        database,
        '-At',
        '-c',
        sql,
      ]);
    },
    start() {
      run('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '120', 'start']);
    },
    stop(mode = 'fast') {
      run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '120', 'stop']);
    },
    destroy() {
      try {
        if (fs.existsSync(path.join(data, 'postmaster.pid'))) cluster.stop('immediate');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  try {
    cluster.start();
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}

function readLog(dir: string): string {
  try {
    return `\n${fs.readFileSync(path.join(dir, 'server.log'), 'utf8').slice(-2000)}`;
  } catch {
    return '';
  }
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
