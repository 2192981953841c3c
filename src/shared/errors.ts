/**
 * Stable error codes. The UI and CLI branch on `code`, never on message text,
 * so codes are append-only: rename a message freely, never a code.
 */
export const ErrorCodes = [
  'DATA_DIR_LOCKED',
  'DATABASE_TOO_NEW',
  'DATABASE_OPEN_FAILED',
  'MIGRATION_FAILED',
  'AGENT_NOT_FOUND',
  'AGENT_NAME_TAKEN',
  'BLOCK_NOT_FOUND',
  'BLOCK_LABEL_TAKEN',
  'BLOCK_READ_ONLY',
  'BLOCK_LIMIT_EXCEEDED',
  'BLOCK_TEXT_NOT_FOUND',
  'PASSAGE_NOT_FOUND',
  'MESSAGE_NOT_FOUND',
  'EMBEDDER_FAILED',
  'EMBEDDER_MODEL_MISSING',
  'EMBEDDER_DIMENSION_MISMATCH',
  'MODEL_NOT_CONFIGURED',
  'MODEL_FILE_MISSING',
  'MODEL_FILE_INVALID',
  'MODEL_TOO_LARGE',
  'MODEL_LOAD_FAILED',
  'MODEL_FAILED',
  'CONTEXT_OVERFLOW',
  'DOWNLOAD_FAILED',
  'DOWNLOAD_CHECK_FAILED',
  'CANCELLED',
  'INVALID_INPUT',
  'UNKNOWN_CALL',
  'INTERNAL',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'AGENT_FILE_INVALID',
  'BACKUP_INVALID',
  'CONVERSATION_NOT_FOUND',
  'DISK_FULL',
  'DATA_DIR_READ_ONLY',
  'TEXT_TOO_LONG',
  'NOT_SUPPORTED',
  'BUSY',
  'ACTIVITY_NOT_FOUND',
  'UNDO_NOT_POSSIBLE',
  'HOST_UNREACHABLE',
  'NOT_IMPLEMENTED',
  // A PostgreSQL server as the memory database (storage/backends).
  'DATABASE_URL_INVALID',
  'DATABASE_UNREACHABLE',
  'DATABASE_AUTH_FAILED',
  'DATABASE_NOT_FOUND',
  'DATABASE_PERMISSION_DENIED',
  'DATABASE_EXTENSION_MISSING',
  'DATABASE_UNSUPPORTED',
  'DATABASE_TLS_FAILED',
  'DATABASE_CONNECTION_LOST',
  'DATABASE_NOT_EMPTY',
  'BACKUP_UNAVAILABLE',
  'EMBEDDER_MISMATCH',
  'FILE_EXISTS',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

/** An error meant for a person (or a model) to read and act on. */
export class LocusError extends Error {
  override readonly name = 'LocusError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function isLocusError(value: unknown): value is LocusError {
  return value instanceof LocusError;
}

/** Turns anything thrown into a stable shape; unknown errors become INTERNAL. */
export function serializeError(error: unknown): SerializedError {
  if (isLocusError(error)) {
    return error.details === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, details: error.details };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'INTERNAL',
    message: `Something went wrong inside Locus: ${message}. Your data was not changed by this call; please report it if it happens again.`,
  };
}
