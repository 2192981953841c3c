import { LocusError } from '../../../shared/errors';

export interface DatabaseTarget {
  /** The URL as given: passed to the driver, never shown or logged. */
  url: string;
  /** The same URL without its password, for messages and status. */
  display: string;
  /** The database name (the URL's path), or the user's name when it has none (libpq's rule). */
  database: string;
  /** Host (or socket folder) and port, for "is it running?" messages. */
  server: string;
}

/** True for anything that should be treated as a server URL rather than a folder. */
export function looksLikeDatabaseUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value.trim());
}

/**
 * Checks a `postgres://user:password@host:port/database?sslmode=…` URL
 * before any connection is tried, so a typo is reported as a typo.
 */
export function parseDatabaseUrl(value: string): DatabaseTarget {
  const url = value.trim();
  const invalid = (why: string) =>
    new LocusError(
      'DATABASE_URL_INVALID',
      `The database address is not a PostgreSQL URL (${why}). Use postgres://user:password@host:5432/database, for example postgres://ada@nas.local/locus.`,
    );
  if (!looksLikeDatabaseUrl(url)) throw invalid('it must start with postgres:// or postgresql://');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('it could not be read');
  }
  const hostParam = parsed.searchParams.get('host');
  const host = parsed.hostname || hostParam || 'localhost';
  const port = parsed.port || parsed.searchParams.get('port') || '5432';
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (path.includes('/')) throw invalid(`"${path}" is not a database name`);
  const user = decodeURIComponent(parsed.username);
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  if (shown.searchParams.has('password')) shown.searchParams.set('password', '***');
  return {
    url,
    display: shown.toString(),
    database: path || user || 'postgres',
    server: host.startsWith('/') ? `the socket in ${host}` : `${host}:${port}`,
  };
}
