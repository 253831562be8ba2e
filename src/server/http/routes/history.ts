/**
 * History: the timeline (GET /api/events, engine events and who caused them) and crash reports
 * (GET /api/crashes), newest first, paged.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import { TIMELINE_TYPES, type TimelineType } from '../../../shared/timeline.js';
import type { CrashRepository } from '../../store/crashes.js';
import type { MetricsRepository, MetricsRetention } from '../../store/metrics.js';
import type { TimelineRepository } from '../../store/timeline.js';
import type { ContainerOperations, ContainerView } from '../../engine/ports.js';
import { ApiError } from '../errors.js';
import { operation } from '../openapi.js';

const timelineQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    before: { type: 'integer', minimum: 1, description: 'The `before` of the previous page' },
    container: {
      type: 'string',
      minLength: 1,
      maxLength: 255,
      description: 'A container (or image, network, volume) by id or name',
    },
    project: { type: 'string', minLength: 1, maxLength: 255 },
    type: { type: 'string', enum: [...TIMELINE_TYPES] },
    actor: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'A user who acted through dwi, or `outside` for what was done without it',
    },
    since: { type: 'string', format: 'date-time', description: 'Events at or after this time' },
    until: { type: 'string', format: 'date-time', description: 'Events before this time' },
  },
} as const;

/** An ISO time as the timeline stores it (UTC, milliseconds), so that times compare as text. */
const storedTime = (time: string) => new Date(time).toISOString();

const crashesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    before: { type: 'integer', minimum: 1, description: 'The `before` of the previous page' },
    container: { type: 'string', minLength: 1, maxLength: 255, description: 'By id or name' },
    project: { type: 'string', minLength: 1, maxLength: 255 },
  },
} as const;

const metricsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', format: 'date-time', description: 'Default: an hour before `to`' },
    to: { type: 'string', format: 'date-time', description: 'Default: now' },
    step: {
      type: 'integer',
      minimum: 1,
      maximum: 86_400,
      description: 'Seconds a point; default: the range in about 360 points',
    },
  },
} as const;

/** The most points one series may have: a range of a week at 10 s would be 60,480. */
const MAX_POINTS = 10_000;

export const historyRoutes: FastifyPluginAsync<{
  timeline: TimelineRepository;
  crashes: CrashRepository;
  metrics: MetricsRepository;
  metricsRetention: MetricsRetention;
  containers: ContainerView;
  /** Asked for a name the model does not hold yet (a worker just started). */
  inspect: ContainerOperations['inspect'];
}> = async (app, { timeline, crashes, metrics, metricsRetention, containers, inspect }) => {
  /**
   * A container's full id: from the model, as given when it is one (a container gone since
   * keeps its history under it), else from the engine.
   */
  const idOf = async (ref: string): Promise<string> => {
    const known = containers.find(ref)?.id ?? (/^[0-9a-f]{64}$/.test(ref) ? ref : undefined);
    // The engine's not_found is a 404 like any (http/app.ts's error handler).
    return known ?? String((await inspect(ref, { unmasked: false })).Id);
  };

  /** A query's range in unix seconds and its step, checked. */
  const rangeOf = (query: { from?: string; to?: string; step?: number }) => {
    const to = Math.floor((query.to === undefined ? Date.now() : Date.parse(query.to)) / 1000);
    const from = query.from === undefined ? to - 3600 : Math.floor(Date.parse(query.from) / 1000);
    if (from >= to) throw new ApiError('bad_request', `from (${query.from}) must be before to`);
    const step = query.step ?? Math.max(1, Math.ceil((to - from) / 360));
    if ((to - from) / step > MAX_POINTS)
      throw new ApiError(
        'bad_request',
        `${Math.ceil((to - from) / step)} points asked: at most ${MAX_POINTS} (a larger step, or a shorter range)`,
      );
    return { from, to, step };
  };

  app.get(
    '/api/events',
    {
      config: { access: 'viewer' },
      schema: { ...operation('listTimeline'), querystring: timelineQuery },
    },
    async (request): Promise<ApiReply<'listTimeline'>> => {
      const query = request.query as {
        limit?: number;
        before?: number;
        container?: string;
        project?: string;
        type?: TimelineType;
        actor?: string;
        since?: string;
        until?: string;
      };
      const limit = query.limit ?? 100;
      const events = timeline.list({
        limit,
        ...(query.before !== undefined ? { before: query.before } : {}),
        ...(query.container !== undefined ? { actor: query.container } : {}),
        ...(query.project !== undefined ? { project: query.project } : {}),
        ...(query.type !== undefined ? { type: query.type } : {}),
        ...(query.actor !== undefined ? { username: query.actor } : {}),
        ...(query.since !== undefined ? { since: storedTime(query.since) } : {}),
        ...(query.until !== undefined ? { until: storedTime(query.until) } : {}),
      });
      const last = events.at(-1);
      return {
        status: 'success',
        data: { events, before: events.length === limit && last ? last.id : null },
      };
    },
  );

  app.get(
    '/api/crashes',
    {
      config: { access: 'viewer' },
      schema: { ...operation('listCrashes'), querystring: crashesQuery },
    },
    async (request): Promise<ApiReply<'listCrashes'>> => {
      const query = request.query as {
        limit?: number;
        before?: number;
        container?: string;
        project?: string;
      };
      const limit = query.limit ?? 100;
      const page = crashes.list({ ...query, limit });
      const last = page.at(-1);
      return {
        status: 'success',
        data: { crashes: page, before: page.length === limit && last ? last.id : null },
      };
    },
  );

  app.get(
    '/api/crashes/:id',
    {
      config: { access: 'viewer' },
      schema: {
        ...operation('getCrash'),
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request): Promise<ApiReply<'getCrash'>> => {
      const { id } = request.params as { id: number };
      const report = crashes.get(id);
      if (report === undefined) throw new ApiError('not_found', `No crash report ${id}`);
      return { status: 'success', data: report };
    },
  );

  app.get(
    '/api/containers/:id/metrics',
    {
      config: { access: 'viewer' },
      schema: {
        ...operation('getContainerMetrics'),
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 255 } },
        },
        querystring: metricsQuery,
      },
    },
    async (request): Promise<ApiReply<'getContainerMetrics'>> => {
      const { id } = request.params as { id: string };
      const range = rangeOf(request.query as { from?: string; to?: string; step?: number });
      const container = await idOf(id);
      return {
        status: 'success',
        data: metrics.series(container, range, metricsRetention, Math.floor(Date.now() / 1000)),
      };
    },
  );

  app.get(
    '/api/host/metrics',
    {
      config: { access: 'viewer' },
      schema: { ...operation('getHostMetrics'), querystring: metricsQuery },
    },
    async (request): Promise<ApiReply<'getHostMetrics'>> => {
      const range = rangeOf(request.query as { from?: string; to?: string; step?: number });
      return {
        status: 'success',
        data: metrics.series(null, range, metricsRetention, Math.floor(Date.now() / 1000)),
      };
    },
  );
};
