/** An engine event in words, for the timeline's rows. Pure. */
import type { TimelineEvent } from '../../../../shared/timeline.js';

/** "exit code 3", "signal 9", "image busybox:latest": the attributes that say what happened. */
export function eventDetail(event: Pick<TimelineEvent, 'type' | 'action' | 'attributes'>): string {
  const { attributes: a, action } = event;
  const parts: string[] = [];
  if (action === 'die' && a.exitCode !== undefined) parts.push(`exit code ${a.exitCode}`);
  if (action === 'kill' && a.signal !== undefined) parts.push(`signal ${a.signal}`);
  if (action === 'rename' && a.oldName !== undefined)
    parts.push(`was ${a.oldName.replace(/^\//, '')}`);
  if (event.type === 'network' && a.container !== undefined)
    parts.push(`container ${a.container.slice(0, 12)}`);
  if (event.type === 'volume' && a.container !== undefined)
    parts.push(`container ${a.container.slice(0, 12)}`);
  if (event.type === 'container' && ['create', 'start', 'destroy'].includes(action) && a.image)
    parts.push(`image ${a.image}`);
  return parts.join(', ');
}

/**
 * Exit codes of the signals a stop or kill sends (SIGINT, SIGKILL, SIGTERM): a die with one was
 * most likely asked for (a kill for memory has its own `oom` event, marked on its own).
 */
const ASKED_EXITS = new Set(['0', '130', '137', '143']);

/** Whether the event is bad news: an exit with an error, a kill for memory, a failed health check. */
export function isTrouble(event: Pick<TimelineEvent, 'action' | 'attributes'>): boolean {
  if (event.action === 'oom' || event.action === 'health_status: unhealthy') return true;
  return event.action === 'die' && !ASKED_EXITS.has(event.attributes.exitCode ?? '0');
}
