import type http from 'node:http';
import { serializeError, type ErrorCode } from '../../shared/errors';
import { sendJson } from '../host/http-host';

/** OpenAI's error body: what its clients parse into APIError subclasses. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  CONVERSATION_NOT_FOUND: 404,
  INVALID_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  CONTEXT_OVERFLOW: 400,
  BLOCK_LIMIT_EXCEEDED: 400,
  MODEL_NOT_CONFIGURED: 503,
  MODEL_FILE_MISSING: 503,
  MODEL_FILE_INVALID: 503,
  MODEL_LOAD_FAILED: 503,
  MODEL_TOO_LARGE: 503,
  // The server holding memory is gone for now: worth retrying, nothing is wrong with the request.
  DATABASE_CONNECTION_LOST: 503,
  DATABASE_UNREACHABLE: 503,
};

/** OpenAI's own codes where one exists, else Locus's code in lower case. */
const CODE: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: 'invalid_api_key',
  AGENT_NOT_FOUND: 'model_not_found',
  CONTEXT_OVERFLOW: 'context_length_exceeded',
};

export function openAiError(
  status: number,
  code: ErrorCode,
  message: string,
  param: string | null = null,
): OpenAiErrorBody {
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : status === 404
          ? 'not_found_error'
          : status < 500
            ? 'invalid_request_error'
            : 'server_error';
  return { error: { message, type, param, code: CODE[code] ?? code.toLowerCase() } };
}

export function sendOpenAiError(
  res: http.ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  param: string | null = null,
): void {
  sendJson(res, status, openAiError(status, code, message, param));
}

/** Any failure as OpenAI clients expect it, with a status that fits its code. */
export function openAiFailure(error: unknown): { status: number; body: OpenAiErrorBody } {
  const serialized = serializeError(error);
  const status = STATUS[serialized.code] ?? 500;
  const body = openAiError(status, serialized.code, serialized.message);
  // A refusal that names OpenAI's own code and parameter passes them on.
  const details = (serialized.details ?? {}) as { param?: unknown; openAiCode?: unknown };
  if (typeof details.param === 'string') body.error.param = details.param;
  if (typeof details.openAiCode === 'string') body.error.code = details.openAiCode;
  return { status, body };
}
