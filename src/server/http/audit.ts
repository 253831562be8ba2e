/**
 * The audit of a mutating route (or of a reading one whose `auditWhen` names the request): its row is written (synchronously) before the reply is sent,
 * so an action that was answered is in the audit log even if the process dies right after.
 * What it stores is bounded: fields are cut to their limits in the store, and refusals of
 * requests that prove nobody (no credentials, no existing user named) are counted in one row
 * per address, route, result and minute, whatever their number or their paths (for logins, one
 * row per result and minute whatever the address).
 */
import type { onSendHookHandler, RouteOptions } from 'fastify';
import type { Store } from '../store/index.js';

/** Refusals worth a row each only once someone is known: before that they are noise. */
const REFUSALS = new Set([401, 403, 429]);

export function auditHook(store: Store, route: RouteOptions, mutating: boolean): onSendHookHandler {
  const methods = [route.method].flat().join(',');
  const pattern = `${methods} ${route.url}`;
  const auditWhen = route.config?.auditWhen;
  return (request, reply, payload, done) => {
    const asked = auditWhen?.(request);
    if (!mutating && asked === undefined) return done(null, payload);
    // Params as the route's schema coerced them: an integer id (a webhook rule's) is a number.
    const params = (request.params ?? {}) as Record<string, string | number | undefined>;
    const named = params.id ?? params.name ?? params.kind ?? params['*'];
    const status = reply.statusCode;
    const anonymous = request.identity === undefined && request.claimedUser === undefined;
    const folded = anonymous && REFUSALS.has(status);
    // The address that connected, beside the one a trusted proxy forwarded: a local process
    // trusted by forwarded_allow_ips can name any source, but not this.
    const peer = request.socket.remoteAddress ?? null;
    store.audit(
      {
        username: request.identity?.principal.username ?? request.claimedUser ?? null,
        // A folded row stands for many paths: it names the route they matched.
        action: folded ? pattern : `${request.method} ${request.url.split('?')[0]}`,
        target: folded || named === undefined ? null : String(named),
        result: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
        request_id: request.id,
        source: request.ip ?? null,
        peer,
        detail:
          [asked, status < 400 ? undefined : `HTTP ${status}`]
            .filter((part) => part !== undefined)
            .join('; ') || null,
      },
      folded
        ? `${route.config?.auditFoldAcrossAddresses ? 'any address' : (request.ip ?? peer ?? 'unix')} ${status} ${pattern}`
        : undefined,
    );
    done(null, payload);
  };
}
