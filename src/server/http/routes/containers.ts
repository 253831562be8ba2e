import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ApiData, ApiReply } from '../../../shared/api.js';
import { PATTERN_LIMITS, PatternError, REGEX_SYNTAX } from '../../../shared/logpattern.js';
import { streamCode } from '../../../shared/events.js';
import {
  CONTAINER_ACTION_ROLES,
  CONTAINER_ACTIONS,
  type Container,
  type ContainerAction,
} from '../../../shared/containers.js';
import type { ContainerOperations, ContainerState } from '../../engine/ports.js';
import { justBefore, splitTimestamp, unixSecondsOf } from '../../engine/timestamps.js';
import type { MetricsSeries } from '../../../shared/metrics-history.js';
import { credited, type ActionLog } from '../credit.js';
import { ApiError } from '../errors.js';
import { withProgress } from '../progress.js';
import { requireRole } from '../auth.js';
import { operation } from '../openapi.js';

/** A container id (or unique prefix) or name, as the engine accepts them. */
const CONTAINER_REF = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$';

const refParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: CONTAINER_REF } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    project: { type: 'string', maxLength: 255 },
    state: { type: 'string', enum: ['running', 'paused', 'restarting', 'stopped'] },
    name: { type: 'string', maxLength: 255 },
  },
} as const;

const logsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tail: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 1_000_000 },
        { type: 'string', enum: ['all'] },
      ],
    },
    since: { type: 'string', maxLength: 40 },
    until: { type: 'string', maxLength: 40 },
    timestamps: { type: 'boolean' },
    stdout: { type: 'boolean' },
    stderr: { type: 'boolean' },
  },
} as const;

const searchParams = {
  q: {
    type: 'string',
    minLength: 1,
    maxLength: PATTERN_LIMITS.chars,
    description: 'Text to find (case-insensitive), or with regex=true a pattern in ' + REGEX_SYNTAX,
  },
  regex: { type: 'boolean', description: 'q is an RE2 regular expression (linear time).' },
  since: { type: 'string', maxLength: 40 },
  until: { type: 'string', maxLength: 40 },
} as const;

const searchQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    ...searchParams,
    limit: { type: 'integer', minimum: 1, maximum: 10_000 },
    context: {
      type: 'integer',
      minimum: 0,
      maximum: 5,
      description: 'Lines of context to return before and after each match (default 0).',
    },
  },
} as const;

const downloadQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...searchParams,
    q: {
      ...searchParams.q,
      description: `Only the lines that match: ${searchParams.q.description}`,
    },
    timestamps: { type: 'boolean' },
    stdout: { type: 'boolean' },
    stderr: { type: 'boolean' },
  },
} as const;

/** A search whose text or pattern cannot be used is a 400 that says why. */
async function withSearch<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof PatternError) throw new ApiError('bad_request', `q is ${err.message}`);
    throw err;
  }
}

const actionQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    timeout: { type: 'integer', minimum: 0, maximum: 3600 },
    force: { type: 'boolean' },
    pull: { type: 'boolean' },
  },
} as const;

/** Unix seconds (kept as text: a cursor's nanoseconds must survive), or RFC 3339 as seconds. */
function toSeconds(value: string, name: string): string {
  if (/^\d+(\.\d+)?$/.test(value)) return value;
  // Kept as text to the nanosecond: a line's own time must select that line.
  const seconds = unixSecondsOf(value);
  if (seconds === undefined) {
    throw new ApiError(
      'bad_request',
      `${name} must be unix seconds or an RFC 3339 time, got "${value}"`,
    );
  }
  return seconds;
}

/** The `since` and `until` of a query, as engine options (absent when not given). */
function timeRange(query: { since?: string; until?: string }): {
  since?: string;
  until?: string;
} {
  return {
    ...(query.since !== undefined ? { since: toSeconds(query.since, 'since') } : {}),
    ...(query.until !== undefined ? { until: toSeconds(query.until, 'until') } : {}),
  };
}

/**
 * A page of log lines as the original's envelope, written a chunk at a time: the page is held
 * once (bounded by the tail caps), never again as one reply string.
 */
function* logsReply(
  lines: Array<{ line: string }>,
  timestamps: boolean,
  rest: Omit<ApiData<'getContainerLogs'>, 'logs'>,
): Generator<string> {
  yield '{"status":"success","data":{"logs":"';
  let chunk = '';
  for (const { line } of lines) {
    const text = timestamps ? line : splitTimestamp(line).text;
    chunk += JSON.stringify(`${text}\n`).slice(1, -1);
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}",${JSON.stringify(rest).slice(1)}}`;
}

function listReply(containers: Container[]): ApiReply<'listContainers'> {
  return { status: 'success', data: containers.sort((a, b) => a.name.localeCompare(b.name)) };
}

export const containerRoutes: FastifyPluginAsync<{
  engine: ContainerState & ContainerOperations;
  /** Where actions are noted for the timeline. */
  actions?: ActionLog;
  /** The host's metrics history of the last hour, from the store (resource-usage-metrics). */
  hostHistory?: () => MetricsSeries;
}> = async (app, { engine, actions, hostHistory }) => {
  let wholeList: string | undefined;
  const forget = engine.containers.subscribe(() => (wholeList = undefined));
  app.addHook('onClose', async () => forget());

  app.get(
    '/api/containers',
    {
      config: { access: 'viewer' },
      schema: { ...operation('listContainers'), querystring: listQuery },
    },
    async (request, reply) => {
      const { project, state, name } = request.query as {
        project?: string;
        state?: string;
        name?: string;
      };
      engine.ensureConnected();
      if (project === undefined && state === undefined && name === undefined) {
        // The whole list is sorted and serialized once per change of the model, not per
        // request: on a host with thousands of containers that was most of a request's time
        // and memory.
        wholeList ??= reply.serialize(listReply(engine.containers.list())) as string;
        return reply.type('application/json; charset=utf-8').send(wholeList);
      }
      const needle = name?.toLowerCase();
      return listReply(
        engine.containers
          .list()
          .filter((c) => project === undefined || c.project === project)
          .filter((c) => state === undefined || c.state === state)
          .filter((c) => needle === undefined || c.name.toLowerCase().includes(needle)),
      );
    },
  );

  app.get(
    '/api/containers/:id',
    {
      config: {
        access: 'viewer',
        // Who saw a container's secrets, or tried to, is in the audit log.
        auditWhen: (request) =>
          (request.query as { secrets?: unknown }).secrets === 'show' ? 'secrets=show' : undefined,
      },
      schema: {
        ...operation('inspectContainer'),
        params: refParams,
        querystring: {
          type: 'object',
          properties: { secrets: { type: 'string', enum: ['show'] } },
        },
      },
    },
    async (request): Promise<ApiReply<'inspectContainer'>> => {
      const { id } = request.params as { id: string };
      const { secrets } = request.query as { secrets?: 'show' };
      if (secrets === 'show') requireRole(request, 'admin');
      return {
        status: 'success',
        data: await engine.inspect(id, { unmasked: secrets === 'show' }),
      };
    },
  );

  app.get(
    '/api/containers/:id/logs',
    {
      config: { access: 'viewer' },
      schema: { ...operation('getContainerLogs'), params: refParams, querystring: logsQuery },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as {
        tail?: number | 'all';
        since?: string;
        until?: string;
        timestamps?: boolean;
        stdout?: boolean;
        stderr?: boolean;
      };
      const tail = query.tail ?? 100;
      // Timestamps are always read: the oldest line's is the cursor to the page before.
      const { lines, truncated } = await engine.logs(id, {
        tail,
        timestamps: true,
        stdout: query.stdout ?? true,
        stderr: query.stderr ?? true,
        ...timeRange(query),
      });
      const oldest = lines[0] === undefined ? undefined : splitTimestamp(lines[0].line).timestamp;
      // A full or cut page may have more before it: ask again with until=cursor.before.
      const more = truncated !== null || (tail !== 'all' && lines.length >= tail);
      const data: Omit<ApiData<'getContainerLogs'>, 'logs'> = {
        lines: lines.length,
        streams: lines.map((l) => streamCode[l.stream]).join(''),
        truncated,
        cursor: { before: more && oldest ? justBefore(oldest) : null },
      };
      return reply
        .type('application/json; charset=utf-8')
        .send(Readable.from(logsReply(lines, query.timestamps ?? true, data)));
    },
  );

  app.get(
    '/api/containers/:id/logs/search',
    {
      config: { access: 'viewer' },
      schema: { ...operation('searchContainerLogs'), params: refParams, querystring: searchQuery },
    },
    async (request): Promise<ApiReply<'searchContainerLogs'>> => {
      const { id } = request.params as { id: string };
      const query = request.query as {
        q: string;
        regex?: boolean;
        since?: string;
        until?: string;
        limit?: number;
        context?: number;
      };
      const result = await withSearch(
        engine.searchLogs(id, {
          q: query.q,
          regex: query.regex ?? false,
          limit: query.limit ?? 100,
          context: query.context ?? 0,
          ...timeRange(query),
        }),
      );
      return { status: 'success', data: { q: query.q, regex: query.regex ?? false, ...result } };
    },
  );

  app.get(
    '/api/containers/:id/logs/download',
    {
      config: { access: 'viewer' },
      schema: {
        ...operation('downloadContainerLogs'),
        params: refParams,
        querystring: downloadQuery,
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as {
        q?: string;
        regex?: boolean;
        since?: string;
        until?: string;
        timestamps?: boolean;
        stdout?: boolean;
        stderr?: boolean;
      };
      if (query.regex !== undefined && query.q === undefined) {
        throw new ApiError('bad_request', 'regex needs q, the pattern to filter with');
      }
      const filter =
        query.q === undefined ? undefined : { q: query.q, regex: query.regex ?? false };
      const { name, chunks } = await withSearch(
        engine.downloadLogs(id, {
          timestamps: query.timestamps ?? true,
          stdout: query.stdout ?? true,
          stderr: query.stderr ?? true,
          ...(filter !== undefined ? { filter } : {}),
          ...timeRange(query),
        }),
      );
      // Streamed as read: a buffering proxy (nginx) is told to pass it on as it comes.
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.log"`)
        .header('x-accel-buffering', 'no')
        .send(chunks);
    },
  );

  app.get(
    '/api/containers/:id/cpu-stats',
    {
      config: { access: 'viewer' },
      schema: { ...operation('getContainerCpuStats'), params: refParams },
    },
    async (request): Promise<ApiReply<'getContainerCpuStats'>> => {
      const { id } = request.params as { id: string };
      return { status: 'success', data: await engine.stats(id) };
    },
  );

  // Every running container's usage, sampled in parallel, with totals.
  app.get(
    '/api/resource-usage-metrics',
    { config: { access: 'viewer' }, schema: operation('getResourceUsageMetrics') },
    async (): Promise<ApiReply<'getResourceUsageMetrics'>> => {
      engine.ensureConnected();
      const running = engine.containers.list().filter((c) => c.state === 'running');
      const samples = await Promise.all(
        running.map((c) => engine.stats(c.id).catch(() => undefined)),
      );
      const containers = samples
        .filter((s) => s !== undefined)
        .sort((a, b) => a.name.localeCompare(b.name));
      const sum = (pick: (s: (typeof containers)[number]) => number) =>
        containers.reduce((total, s) => total + pick(s), 0);
      return {
        status: 'success',
        data: {
          containers,
          totals: {
            containers: containers.length,
            cpu_percent: Math.round(sum((s) => s.cpu_percent) * 100) / 100,
            memory_bytes: sum((s) => s.memory.usage_bytes),
            network_rx_bytes: sum((s) => s.network.rx_bytes),
            network_tx_bytes: sum((s) => s.network.tx_bytes),
          },
          ...(hostHistory ? { history: hostHistory() } : {}),
        },
      };
    },
  );

  app.post(
    '/api/containers/:id/:action',
    {
      config: { access: 'operator' },
      schema: {
        ...operation('runContainerAction'),
        params: {
          type: 'object',
          required: ['id', 'action'],
          properties: { id: refParams.properties.id, action: { type: 'string', maxLength: 64 } },
        },
        querystring: actionQuery,
      },
    },
    async (request, reply) => {
      const { id, action } = request.params as { id: string; action: string };
      const { timeout, force, pull } = request.query as {
        timeout?: number;
        force?: boolean;
        pull?: boolean;
      };
      if (!(CONTAINER_ACTIONS as readonly string[]).includes(action)) {
        throw new ApiError(
          'bad_request',
          `Invalid action: ${action} (one of ${CONTAINER_ACTIONS.join(', ')})`,
        );
      }
      requireRole(request, CONTAINER_ACTION_ROLES[action as ContainerAction]);
      const target = engine.containers.find(id);
      if (action === 'rebuild') {
        return withProgress(request, reply, async (progress) => {
          const options = { pull: pull ?? false, ...(timeout !== undefined ? { timeout } : {}) };
          const result = await credited(actions, request, target, action, () =>
            engine.rebuild(id, options, progress),
          );
          return { message: `Container ${result.name} rebuilt`, action, container: id, ...result };
        });
      }
      const message = await credited(actions, request, target, action, () =>
        engine.act(id, action as Exclude<ContainerAction, 'rebuild'>, {
          ...(timeout !== undefined ? { timeout } : {}),
          // The original always removed with force: a running container goes too, unless ?force=false.
          ...(force !== undefined ? { force } : action === 'delete' ? { force: true } : {}),
        }),
      );
      return { status: 'success', data: { message, action, container: id } };
    },
  );
};
