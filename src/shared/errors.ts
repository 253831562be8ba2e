import { z } from 'zod';

/**
 * Every error code the API answers with, its HTTP status and default message. Replies are
 * `{status: "error", error: message, code, request_id}` (the original's envelope plus code and
 * request_id). Codes are stable: clients may branch on them.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, message: 'The request is not valid' },
  unauthorized: { status: 401, message: 'Authentication is required' },
  forbidden: { status: 403, message: 'Not allowed' },
  not_found: { status: 404, message: 'Not found' },
  method_not_allowed: { status: 405, message: 'Method not allowed' },
  conflict: { status: 409, message: 'Conflict with the current state' },
  payload_too_large: { status: 413, message: 'The request body is too large' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type' },
  misdirected_request: { status: 421, message: 'This server does not answer to that Host' },
  rate_limited: { status: 429, message: 'Too many requests' },
  internal: { status: 500, message: 'Internal error' },
  engine_error: { status: 502, message: 'The Docker engine refused the request' },
  engine_unavailable: { status: 503, message: 'The Docker engine is unavailable' },
  not_ready: { status: 503, message: 'The server is not ready' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ErrorReplySchema = z.object({
  status: z.literal('error'),
  error: z.string(),
  code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]),
  request_id: z.string(),
});
export type ErrorReply = z.infer<typeof ErrorReplySchema>;

/** The success envelope around a route's data: `{status: "success", data}`. */
export const successReply = <T extends z.ZodType>(data: T) =>
  z.object({ status: z.literal('success'), data });

export interface SuccessReply<T> {
  status: 'success';
  data: T;
}

/** The error code a bare HTTP status maps to, for errors raised without one. */
export function codeForStatus(status: number): ErrorCode {
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    if (entry.status === status) return code as ErrorCode;
  }
  return status >= 500 ? 'internal' : 'bad_request';
}
