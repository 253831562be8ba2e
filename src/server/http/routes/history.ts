/**
 * History: the timeline (GET /api/events, engine events and who caused them) and crash reports
 * (GET /api/crashes), newest first, paged.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import { TIMELINE_TYPES, type TimelineType } from '../../../shared/timeline.js';
import type { CrashRepository } from '../../store/crashes.js';
import type { TimelineRepository } from '../../store/timeline.js';
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

export const historyRoutes: FastifyPluginAsync<{
  timeline: TimelineRepository;
  crashes: CrashRepository;
}> = async (app, { timeline, crashes }) => {
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
};
