import { LocusError, isLocusError } from '../../shared/errors';
import { fileSystemError } from '../storage/durable-files';

/**
 * Postgres failures a user can cause or fix, by SQLSTATE, as stable codes
 * with what to do. PGlite reports them as errors carrying `code`.
 */
function databaseFailure(error: unknown): LocusError | null {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if (code === '53100' || /No space left on device/i.test(message)) {
    return new LocusError(
      'DISK_FULL',
      'The disk is full, so Locus could not save this change (nothing was half-saved). Free some space and try again.',
    );
  }
  if (code === '54000' && /tsvector/.test(message)) {
    return new LocusError(
      'TEXT_TOO_LONG',
      'This text is too long to index for search (Postgres allows about 1 MB of distinct words per text). Split it into smaller parts.',
    );
  }
  if (code === '22008' || code === '22007') {
    return new LocusError(
      'INVALID_INPUT',
      'A date is outside the range Locus can store (years 1 to 9999). Use a real calendar date.',
    );
  }
  if (code === '25006') {
    return new LocusError(
      'DATA_DIR_READ_ONLY',
      'The memory database is read-only right now. Make the data folder writable and restart Locus.',
    );
  }
  return null;
}

/**
 * Every failure a host reports passes here first: known file-system and
 * database failures get their stable code; anything else stays as it is
 * (and becomes INTERNAL when serialized).
 */
export function stableError(error: unknown): unknown {
  if (isLocusError(error)) return error;
  const file = fileSystemError(error, 'a file in the data folder');
  if (file !== error) return file;
  return databaseFailure(error) ?? error;
}
