import type http from 'node:http';
import { serializeError, type ErrorCode } from '../../shared/errors';
import { sendJson } from '../host/http-host';

const STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  BLOCK_NOT_FOUND: 404,
  PASSAGE_NOT_FOUND: 404,
  MESSAGE_NOT_FOUND: 404,
  AGENT_NAME_TAKEN: 409,
  BLOCK_LABEL_TAKEN: 409,
  INVALID_INPUT: 422,
  AGENT_FILE_INVALID: 422,
  BLOCK_LIMIT_EXCEEDED: 400,
  BLOCK_READ_ONLY: 403,
  BLOCK_TEXT_NOT_FOUND: 400,
  PAYLOAD_TOO_LARGE: 413,
  CONTEXT_OVERFLOW: 400,
  MODEL_NOT_CONFIGURED: 503,
  MODEL_FILE_MISSING: 503,
  MODEL_FILE_INVALID: 503,
  MODEL_LOAD_FAILED: 503,
  MODEL_TOO_LARGE: 503,
  // The server holding memory is gone for now: worth retrying, nothing is wrong with the request.
  DATABASE_CONNECTION_LOST: 503,
  DATABASE_UNREACHABLE: 503,
};

/**
 * Letta's server is FastAPI: errors are `{"detail": "..."}` with the HTTP
 * status. Locus adds its stable `code` beside it.
 */
export function sendLettaError(
  res: http.ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  sendJson(res, status, { detail: message, code });
}

export function lettaFailure(error: unknown): {
  status: number;
  body: { detail: string; code: string };
} {
  const serialized = serializeError(error);
  return {
    status: STATUS[serialized.code] ?? 500,
    body: { detail: serialized.message, code: serialized.code },
  };
}
