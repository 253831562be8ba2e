/**
 * Errors raised on purpose, whatever the transport: HTTP turns them into error replies, the
 * Socket.IO server into error acks and `error` events.
 */
import { ERROR_CODES, type ErrorCode } from '../shared/errors.js';
import { EngineError, type EngineErrorKind } from './engine/errors.js';

/** An error raised on purpose: it becomes a reply with its code (and, over HTTP, its status). */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string = ERROR_CODES[code].message) {
    super(message);
    this.code = code;
    this.statusCode = ERROR_CODES[code].status;
  }
}

const ENGINE_ERROR_CODES: Record<EngineErrorKind, ErrorCode> = {
  not_found: 'not_found',
  conflict: 'conflict',
  bad_request: 'bad_request',
  unavailable: 'engine_unavailable',
  engine: 'engine_error',
  busy: 'rate_limited',
};

/** The code and message of an error raised on purpose (ours or the engine's); undefined otherwise. */
export function knownError(err: unknown): { code: ErrorCode; message: string } | undefined {
  if (err instanceof ApiError) return { code: err.code, message: err.message };
  if (err instanceof EngineError)
    return { code: ENGINE_ERROR_CODES[err.kind], message: err.message };
  return undefined;
}
