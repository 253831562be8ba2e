/** What went wrong talking to the engine, in terms the API maps to statuses. */
import { maskText } from '../../shared/masking.js';

export type EngineErrorKind =
  | 'not_found'
  | 'conflict'
  | 'bad_request'
  | 'unavailable'
  | 'engine'
  /** This process runs as much of that work at once as it may: try again soon. */
  | 'busy';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EPIPE',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EACCES',
]);

const STATE_CONFLICT = /is (not|already) (running|paused)|is restarting|is not running|is paused/i;

/** dockerode's errors (statusCode + json.message, or a socket error code) as an EngineError. */
export function fromDockerError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const e = err as {
    statusCode?: number;
    json?: { message?: string } | null;
    reason?: string;
    code?: string;
    message?: string;
  };
  // The engine's message can quote a container's command ("exec: \"--db-password=…\": not
  // found"), and it is passed on to the client.
  const message = maskText((e.json?.message ?? e.reason ?? e.message ?? String(err)).trim());
  if (e.code !== undefined && UNREACHABLE.has(e.code)) {
    return new EngineError('unavailable', `the Docker engine is unreachable (${e.code})`);
  }
  // The engine answers 500 for some state conflicts ("Container ... is not paused").
  if (e.statusCode === 500 && STATE_CONFLICT.test(message))
    return new EngineError('conflict', message);
  switch (e.statusCode) {
    case 404:
      return new EngineError('not_found', message);
    case 409:
      return new EngineError('conflict', message);
    case 400:
      return new EngineError('bad_request', message);
    default:
      return new EngineError('engine', message);
  }
}
