import { ERROR_CODES, type ErrorCode, type ErrorReply } from '../../shared/errors.js';
import { EngineError, type EngineErrorKind } from '../engine/errors.js';

/** An error a route raises on purpose: it becomes a reply with its code and status. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string = ERROR_CODES[code].message) {
    super(message);
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
  }
}

export function errorReply(code: ErrorCode, message: string, requestId: string): ErrorReply {
  return { status: 'error', error: message, code, request_id: requestId };
}

const ENGINE_ERROR_CODES: Record<EngineErrorKind, ErrorCode> = {
  not_found: 'not_found',
  conflict: 'conflict',
  bad_request: 'bad_request',
  unavailable: 'engine_unavailable',
  engine: 'engine_error',
};

/** The code and message of an error raised on purpose (ours or the engine's); undefined otherwise. */
export function knownError(err: unknown): { code: ErrorCode; message: string } | undefined {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (err instanceof EngineError)
    return { code: ENGINE_ERROR_CODES[err.kind], message: err.message };
  return undefined;
}
