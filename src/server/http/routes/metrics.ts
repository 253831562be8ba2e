import type { FastifyPluginAsync } from 'fastify';
import { operation } from '../openapi.js';

export interface MetricsSource {
  contentType: string;
  /** Prometheus text for the whole server. */
  scrape(): Promise<string>;
}

export const metricsRoutes: FastifyPluginAsync<{ metrics: MetricsSource }> = async (
  app,
  { metrics },
) => {
  app.get(
    '/metrics',
    { config: { access: 'viewer' }, schema: operation('getMetrics') },
    async (_request, reply) => {
      reply.type(metrics.contentType);
      return metrics.scrape();
    },
  );
};
