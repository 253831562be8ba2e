/**
 * dwi's actions noted before the engine is asked, so the timeline (history/recorder.ts, in
 * whichever worker records) credits the acting user with the events an action causes.
 */
import type { FastifyRequest } from 'fastify';
import type { Container } from '../../shared/containers.js';
import type { DwiActions } from '../store/timeline.js';

export type ActionLog = Pick<DwiActions, 'begin' | 'end'>;

/** Runs `work`, an action on `container`, noted as the request's user's while it runs. */
export async function credited<T>(
  actions: ActionLog | undefined,
  request: FastifyRequest,
  container: Pick<Container, 'id' | 'name'> | undefined,
  action: string,
  work: () => Promise<T>,
): Promise<T> {
  if (actions === undefined || container === undefined) return work();
  const noted = actions.begin({
    container_id: container.id,
    container_name: container.name,
    action,
    username: request.identity?.principal.username ?? null,
    request_id: request.id,
  });
  try {
    return await work();
  } finally {
    actions.end(noted);
  }
}
