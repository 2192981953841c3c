import { LocusError, isLocusError } from '../../../shared/errors';
import type { DatabaseTarget } from './database-url';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ENOENT',
]);

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

interface DriverError {
  code?: string;
  message?: string;
  severity?: string;
}

function describe(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? (error as DriverError) : {};
}

/** An error from the server about a statement (it has a SQLSTATE and a severity). */
function isStatementError(error: DriverError): boolean {
  return typeof error.severity === 'string' && /^[0-9A-Z]{5}$/.test(error.code ?? '');
}

/** The connection itself failed or broke: the statement may or may not have run. */
export function isConnectionFailure(error: unknown): boolean {
  const e = describe(error);
  if (isStatementError(e)) {
    // Connection exceptions (08), and the server shutting down or restarting (57P01-57P03).
    return e.code!.startsWith('08') || /^57P0[123]$/.test(e.code!);
  }
  if (e.code && (NETWORK_CODES.has(e.code) || TLS_CODES.has(e.code))) return true;
  return /connection terminated|not queryable|connection timeout|timeout exceeded when trying to connect|socket|ssl/i.test(
    e.message ?? '',
  );
}

/** What opening a server database failed with, as a stable code and what to check. */
export function connectError(error: unknown, target: DatabaseTarget): LocusError {
  if (isLocusError(error)) return error;
  const e = describe(error);
  const where = `the PostgreSQL server at ${target.server}`;
  const Where = `The PostgreSQL server at ${target.server}`;
  const detail = e.message ?? String(error);
  const details = { server: target.server, database: target.database, reason: detail };
  if (e.code === '28P01' || e.code === '28000') {
    return new LocusError(
      'DATABASE_AUTH_FAILED',
      `${Where} refused the user name or password in ${target.display} (${detail}). Check the user and password in the URL, and that pg_hba.conf lets this user connect from this machine.`,
      details,
    );
  }
  // node-postgres's own words when the server asks for a password and none was
  // given (not in the URL, PGPASSWORD or ~/.pgpass): it has no SQLSTATE.
  if (/password must be a string/i.test(detail)) {
    return new LocusError(
      'DATABASE_AUTH_FAILED',
      `${Where} asks for a password and none was given for ${target.display}. Put it in ~/.pgpass (host:port:database:user:password, readable only by you) or in PGPASSWORD, or in the URL.`,
      details,
    );
  }
  if (e.code === '3D000') {
    return new LocusError(
      'DATABASE_NOT_FOUND',
      `The database "${target.database}" does not exist on ${where}. Create it first (createdb -O <your role> ${target.database}), or fix the name in the URL.`,
      details,
    );
  }
  if (e.code === '42501') {
    return new LocusError(
      'DATABASE_PERMISSION_DENIED',
      `${Where} does not let this user use the database "${target.database}" (${detail}). Ask its administrator to GRANT CONNECT and CREATE on it, or to make your role its owner.`,
      details,
    );
  }
  if ((e.code && TLS_CODES.has(e.code)) || /ssl|certificate|tls/i.test(detail)) {
    return new LocusError(
      'DATABASE_TLS_FAILED',
      `The encrypted connection to ${where} failed (${detail}). Check sslmode in the URL and that the server's certificate is trusted here (sslrootcert=<file>).`,
      details,
    );
  }
  if (e.code === '53300' || e.code === '57P03') {
    return new LocusError(
      'DATABASE_UNREACHABLE',
      `${Where} is not accepting connections right now (${detail}). Wait until it has started, or raise max_connections if too many clients are connected.`,
      details,
    );
  }
  if (isConnectionFailure(error)) {
    return new LocusError(
      'DATABASE_UNREACHABLE',
      `Locus cannot reach ${where} (${detail}). Check that the server is running, that the host name and port in ${target.display} are right, and that a firewall lets this machine connect.`,
      details,
    );
  }
  return new LocusError(
    'DATABASE_OPEN_FAILED',
    `Locus could not open its memory database on ${where}: ${detail}.`,
    details,
  );
}

/**
 * A failure while the database is in use. Statement errors (constraint
 * violations, bad SQL) pass through unchanged, as PGlite raises them; a lost
 * connection becomes DATABASE_CONNECTION_LOST.
 */
export function queryError(error: unknown, target: DatabaseTarget): unknown {
  if (isLocusError(error) || !isConnectionFailure(error)) return error;
  return new LocusError(
    'DATABASE_CONNECTION_LOST',
    `The connection to the PostgreSQL server at ${target.server} was lost (${describe(error).message ?? String(error)}). What Locus had confirmed is saved; the change in progress was not. Check that the server is running, then try again.`,
    { server: target.server, database: target.database },
  );
}
