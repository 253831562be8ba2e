import type { ErrorCode, ErrorReply } from '../../shared/errors.js';

// Routes raise these; the Socket.IO server shares them.
export { ApiError, knownError } from '../errors.js';

export function errorReply(code: ErrorCode, message: string, requestId: string): ErrorReply {
  return { status: 'error', error: message, code, request_id: requestId };
}
