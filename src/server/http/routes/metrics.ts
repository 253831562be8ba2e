import type { FastifyPluginAsync } from 'fastify';

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
    { config: { access: 'viewer' }, schema: { hide: true } },
    async (_request, reply) => {
      reply.type(metrics.contentType);
      return metrics.scrape();
    },
  );
};
