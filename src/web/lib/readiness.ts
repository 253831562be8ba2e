/**
 * Whether the server can reach the Docker engine, from GET /api/ready. Not pushed by the
 * server, so it is asked: at start, on every socket (re)connection, every 15 s while ready and
 * every 3 s while not (until the engine page and the banner can go away by itself).
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { API } from '../../shared/api.js';
import { codeForStatus } from '../../shared/errors.js';
import { ReadinessSchema, type EngineStatus } from '../../shared/health.js';
import { ApiFailure } from './api.js';

export interface ReadyState {
  ready: boolean;
  /** Why not, in the server's words. */
  detail: string;
  /** The engine as the server sees it: the address it tried and what to do while it is away. */
  engine: EngineStatus | undefined;
}

/** Every 3 s while not ready: also what the engine page says. */
export const NOT_READY_INTERVAL_MS = 3000;

export const readinessQuery = queryOptions({
  queryKey: ['readiness'],
  // Read by hand rather than with call(): a 503 here is an answer, with the engine in `data`.
  queryFn: async ({ signal }): Promise<ReadyState> => {
    let response: Response;
    try {
      response = await fetch(API.getReady.path, {
        headers: { accept: 'application/json' },
        signal,
      });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      // No answer at all is the socket banner's to tell.
      throw new ApiFailure('The server did not answer (network error)', 0, 'network', null);
    }
    const body = (await response.json().catch(() => undefined)) as
      { data?: unknown; error?: string } | undefined;
    const readiness = ReadinessSchema.safeParse(body?.data);
    if (!readiness.success || (response.status !== 200 && response.status !== 503))
      throw new ApiFailure(
        `Readiness answered ${response.status}`,
        response.status,
        codeForStatus(response.status),
        response.headers.get('x-request-id'),
      );
    return {
      ready: readiness.data.ready,
      detail: readiness.data.ready ? '' : (body?.error ?? 'not ready'),
      engine: readiness.data.engine,
    };
  },
  refetchInterval: (query) => (query.state.data?.ready === false ? NOT_READY_INTERVAL_MS : 15_000),
  retry: false,
});

export function useReadiness(): ReadyState | undefined {
  return useQuery(readinessQuery).data;
}

/** The engine, when the server says it cannot reach it (not when it is only draining). */
export function useEngineAway(): EngineStatus | undefined {
  const engine = useReadiness()?.engine;
  return engine !== undefined && !engine.connected ? engine : undefined;
}
