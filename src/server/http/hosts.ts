import type { FastifyInstance } from 'fastify';
import { unknownHostMessage, type KnownHosts } from '../auth/hosts.js';
import { ApiError } from './errors.js';

/**
 * Refuses, before anything else reads it, a request whose Host this server does not answer to
 * (DNS rebinding: auth/hosts.ts): 421 in the usual error envelope.
 */
export function refuseUnknownHosts(app: FastifyInstance, hosts: KnownHosts): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const { host } = request.headers;
    if (hosts.allows(host)) return done();
    done(new ApiError('misdirected_request', unknownHostMessage(host!)));
  });
}
