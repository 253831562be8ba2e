/**
 * New audit rows, live, to admins' sockets (`audit_appended`), so the audit page needs no
 * polling. Each worker hears the rows its own requests write (Store.onAudit) and broadcasts
 * them through the cluster adapter to the admins on every worker, batched: a burst of requests
 * (refusals of a scan, say) costs one message per `intervalMs`, and a folded row counted again
 * and again in that time goes once, with its latest count.
 */
import type { AuditEntry } from '../../shared/api.js';
import type { Server } from 'socket.io';
import type { ServerToClientEvents } from '../../shared/events.js';

/** The room of every socket whose user is an admin (a role change ends the socket). */
export const ADMINS_ROOM = 'dwi:admins';

/** Subscribes to the audit rows this process writes; returns the unsubscribe. */
export type AuditSource = (listener: (row: AuditEntry) => void) => () => void;

export function feedAudit(
  io: Pick<Server<never, ServerToClientEvents>, 'to'>,
  source: AuditSource,
  intervalMs = 250,
): () => void {
  let pending = new Map<number, AuditEntry>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const entries = [...pending.values()];
    pending = new Map();
    io.to(ADMINS_ROOM).emit('audit_appended', { entries });
  };
  const unsubscribe = source((row) => {
    pending.set(row.id, row);
    timer ??= setTimeout(flush, intervalMs);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
