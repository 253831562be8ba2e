import { ERROR_CODES, type ErrorCode, type ErrorReply } from '../../shared/errors.js';

// Routes raise these; the Socket.IO server shares them.
export { ApiError, knownError } from '../errors.js';

export function errorReply(code: ErrorCode, message: string, requestId: string): ErrorReply {
  return { status: 'error', error: message, code, request_id: requestId };
}

/** JSON schema of the success envelope around a route's data schema. */
export function successReplySchema<T extends object>(data: T) {
  return {
    type: 'object',
    required: ['status', 'data'],
    properties: { status: { type: 'string', enum: ['success'] }, data },
  } as const;
}

/** JSON schema of the error envelope, for route response declarations and the OpenAPI document. */
export const errorReplySchema = {
  type: 'object',
  required: ['status', 'error', 'code', 'request_id'],
  properties: {
    status: { type: 'string', enum: ['error'] },
    error: { type: 'string' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES) },
    request_id: { type: 'string' },
  },
} as const;
