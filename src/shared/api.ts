/**
 * The REST API as one table: each operation's method, path (OpenAPI style), tag, summary and
 * the schema of its reply's `data`. The server serializes its replies and publishes its
 * OpenAPI document from these schemas; a client (the web app) types its calls from them:
 * `ApiData<'listContainers'>` is what `GET /api/containers` answers in `data`.
 */
import { z } from 'zod';
import { PrincipalSchema, RoleSchema } from './principal.js';
import { ContainerSchema, ImageSchema } from './containers.js';
import type { ErrorCode, SuccessReply } from './errors.js';
import { HealthSchema, ReadinessSchema } from './health.js';
import { ContainerStatsSchema } from './stats.js';
import { TimelinePageSchema } from './timeline.js';
import { CrashPageSchema, CrashReportSchema } from './crashes.js';
import { MetricsSeriesSchema } from './metrics-history.js';
import { WebhookDeletedSchema, WebhookDeliverySchema, WebhookRuleSchema } from './webhooks.js';
import { PruneConfirmSchema, PrunePreviewSchema } from './prune.js';
import {
  AddedUserSchema,
  CreatedTokenSchema,
  PasswordResetSchema,
  RoleChangedSchema,
  TokenRevokedSchema,
  TokenSchema,
  UserDeletedSchema,
  UserSchema,
} from './users.js';

export const LogsSchema = z.object({
  logs: z
    .string()
    .describe(
      'The lines in time order, each ending in a newline (with its timestamp unless timestamps=false). The engine stamps stdout and stderr apart, so its own order may put a line a little after later-stamped ones; pages are cut by time, so every line is on exactly one page.',
    ),
  lines: z.int(),
  streams: z
    .string()
    .describe(
      'One character per line, in order: its stream, `1` stdout or `2` stderr (as in log_batch).',
    ),
  truncated: z
    .enum(['lines', 'bytes'])
    .nullable()
    .describe(
      'Why the page holds fewer lines than asked (tail=all, or a tail past the log_tail_max_lines or log_tail_max_bytes cap): the newest are kept, and cursor.before pages further back. Null when nothing was cut.',
    ),
  cursor: z.object({
    before: z
      .string()
      .nullable()
      .describe('Pass as `until` for the page before; null when there is none.'),
  }),
});

const LogLineSchema = z.object({
  timestamp: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
});

export const LogMatchSchema = LogLineSchema.extend({
  before: z
    .array(LogLineSchema)
    .optional()
    .describe(
      'With context=N: up to N lines before the match (each cut to 300 characters), oldest first.',
    ),
  after: z
    .array(LogLineSchema)
    .optional()
    .describe(
      'With context=N: up to N lines after the match, read before the search stopped (so the last match of a page may have fewer).',
    ),
});
export type LogMatch = z.infer<typeof LogMatchSchema>;

export const LogSearchResultSchema = z.object({
  matches: z
    .array(LogMatchSchema)
    .describe(
      'In the order of the log. Up to `limit`, and any line stamped before the cursor but written in the next 64 past the stop (the engine stamps stdout and stderr apart), which the next page would skip.',
    ),
  scanned: z.int().describe('Lines read to find them.'),
  cursor: z
    .string()
    .nullable()
    .describe(
      'Pass as `since` to continue after the latest line read; null when the log was read to its end.',
    ),
  stopped: z
    .enum(['matches', 'lines', 'bytes', 'time'])
    .nullable()
    .describe(
      'Why the search stopped before the end of the log: matches (`limit` found), or the log_search_max_lines, log_search_max_bytes or log_search_timeout bound reached. Continue with since=cursor. Null when the log was read to its end.',
    ),
});
export type LogSearchResult = z.infer<typeof LogSearchResultSchema>;

export const LogSearchSchema = LogSearchResultSchema.extend({ q: z.string(), regex: z.boolean() });

export const StatsSampleSchema = ContainerStatsSchema.extend({ id: z.string(), name: z.string() });
export type StatsSample = z.infer<typeof StatsSampleSchema>;

export const ResourceUsageSchema = z.object({
  containers: z.array(StatsSampleSchema),
  totals: z.object({
    containers: z.int(),
    cpu_percent: z.number(),
    memory_bytes: z.int(),
    network_rx_bytes: z.int(),
    network_tx_bytes: z.int(),
  }),
  history: MetricsSeriesSchema.optional().describe(
    'Every container summed, as the server sampled it: the last hour, a point every 10 s or every sample if further apart (as GET /api/host/metrics gives it). Absent when dwi keeps no store.',
  ),
});

export const RebuildResultSchema = z.object({
  old_id: z.string(),
  new_id: z.string(),
  name: z.string(),
  steps: z.array(z.string()),
});
export type RebuildResult = z.infer<typeof RebuildResultSchema>;

export const ContainerActionResultSchema = z.object({
  message: z.string(),
  action: z.string(),
  container: z.string().describe('The id or name the request named.'),
  ...RebuildResultSchema.partial().shape,
});

export const ImageRemovalSchema = z.object({
  message: z.string(),
  removed: z
    .array(z.record(z.string(), z.string()))
    .describe("The engine's answer: one {Untagged} or {Deleted} per reference and layer."),
});

export const ProjectGroupSchema = z.object({
  name: z
    .string()
    .nullable()
    .describe('The com.docker.compose.project label; null for standalone containers.'),
  display: z.string(),
  counts: z.object({ total: z.int(), running: z.int(), paused: z.int(), stopped: z.int() }),
  containers: z.array(ContainerSchema),
});
export type ProjectGroup = z.infer<typeof ProjectGroupSchema>;

export const ProjectActionResultSchema = z.object({
  project: z.string(),
  action: z.string(),
  succeeded: z.int(),
  failed: z.int(),
  results: z.array(
    z.object({ id: z.string(), name: z.string(), ok: z.boolean(), message: z.string() }),
  ),
});

/** The original's result keys, all present whatever was pruned. */
export const PruneResultSchema = z.object({
  containers_deleted: z.array(z.string()),
  images_deleted: z.array(z.string()),
  volumes_deleted: z.array(z.string()),
  networks_deleted: z.array(z.string()),
  space_reclaimed: z.int(),
});
export type PruneResult = z.infer<typeof PruneResultSchema>;

export const PruneReplySchema = z.object({
  message: z.string(),
  command: z.string().describe('The docker CLI command that does the same.'),
  dry_run: z.boolean(),
  result: PruneResultSchema,
});

export const LoginRequestSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const SessionSchema = z.object({
  username: z.string(),
  role: RoleSchema,
  csrf_token: z.string().describe('Send it back in X-CSRF-Token on every mutating request.'),
});

export const MeSchema = PrincipalSchema.extend({
  csrf_token: z.string().optional().describe("The session's CSRF token (cookie sessions only)."),
});

export const AuditEntrySchema = z.object({
  id: z.int(),
  time: z.string(),
  username: z.string().nullable(),
  action: z.string().describe('"METHOD /path"'),
  target: z.string().nullable(),
  result: z.enum(['success', 'failure', 'denied']),
  request_id: z.string().nullable(),
  source: z
    .string()
    .nullable()
    .describe('The client address, as forwarded by a trusted proxy (forwarded_allow_ips)'),
  peer: z
    .string()
    .nullable()
    .describe('The address that connected to dwi (the proxy, when one forwarded the request)'),
  detail: z.string().nullable(),
  count: z
    .int()
    .describe(
      'How many requests the row stands for: unauthenticated denials from one address to one route are counted in one row per minute',
    ),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  entries: z.array(AuditEntrySchema),
  before: z
    .int()
    .nullable()
    .describe('Pass as `before` for the next (older) page; null on the last page.'),
});

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;

export const LogLevelsSchema = z
  .record(z.string(), z.string())
  .describe('The effective level of each logger, by name.');

export const LogLevelRequestSchema = z.strictObject({
  logger: z.string().min(1).max(200).default('root'),
  level: z
    .enum([...LOG_LEVELS, ...LOG_LEVELS.map((l) => l.toUpperCase())] as [string, ...string[]])
    .nullable()
    .describe("null: back to the configuration's level."),
  ttl: z
    .number()
    .positive()
    .max(86400)
    .optional()
    .describe('Seconds after which the level reverts by itself.'),
});
export type LogLevelRequest = z.input<typeof LogLevelRequestSchema>;

export const LogLevelChangedSchema = z.object({
  changed: z.object({
    logger: z.string(),
    level: z.string().nullable(),
    ttl: z.number().optional(),
  }),
  levels: LogLevelsSchema,
});

export const TAGS = {
  health: 'Liveness, readiness and the original root answer (no credentials needed).',
  containers: 'Containers: list, inspect, logs, stats and actions.',
  images: 'Images: list and delete.',
  prune: 'Removing what is unused, or previewing it.',
  projects: 'Compose projects and their bulk actions.',
  auth: 'Logging in and out, and who is asking.',
  audit: 'The audit log of every mutating request and login.',
  history: 'What happened on the engine, and who did it: the timeline.',
  admin: 'Run-time server controls.',
  users: 'Users and API tokens (admins): what `dwi user` and `dwi token` do, over HTTP.',
  metrics: 'Prometheus metrics and this document.',
} as const;
export type Tag = keyof typeof TAGS;

interface Operation<T extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  tag: Tag;
  summary: string;
  /** The reply's `data` (the whole reply when `body` is `raw` or `text`). */
  data: T;
  /**
   * `envelope` (default): `{status: "success", data}`; `progress`: the envelope, or with
   * `Accept: application/x-ndjson` one `{"progress"}` line per step then the envelope;
   * `raw`: JSON without the envelope; `text`: plain text.
   */
  body?: 'envelope' | 'progress' | 'raw' | 'text';
}

// The path's literal type is kept: a client names an operation's path parameters from it.
const op = <T extends z.ZodType, P extends string>(
  method: Operation['method'],
  path: P,
  tag: Tag,
  summary: string,
  data: T,
  body?: Operation['body'],
): Operation<T> & { path: P } => ({ method, path, tag, summary, data, ...(body ? { body } : {}) });

/** Every REST operation, keyed by its operationId. */
export const API = {
  getRoot: op(
    'GET',
    '/',
    'health',
    "Says the API is running (the original's answer)",
    z.object({ status: z.string() }),
  ),
  getHealth: op(
    'GET',
    '/api/health',
    'health',
    'Liveness: version, pid, worker, uptime',
    HealthSchema,
  ),
  getReady: op(
    'GET',
    '/api/ready',
    'health',
    'Readiness: 200, or 503 not_ready while draining or without the engine',
    ReadinessSchema,
  ),
  login: op('POST', '/api/auth/login', 'auth', 'Log in: sets the session cookie', SessionSchema),
  logout: op(
    'POST',
    '/api/auth/logout',
    'auth',
    'Log out: ends the session',
    z.object({ message: z.string() }),
  ),
  getMe: op('GET', '/api/auth/me', 'auth', 'Who is asking, and how', MeSchema),
  listAudit: op(
    'GET',
    '/api/audit',
    'audit',
    'Pages through the audit log, newest first',
    AuditPageSchema,
  ),
  listTimeline: op(
    'GET',
    '/api/events',
    'history',
    'Pages through the timeline of engine events (who acted through dwi, or outside it), newest first',
    TimelinePageSchema,
  ),
  listCrashes: op(
    'GET',
    '/api/crashes',
    'history',
    'Crash reports, newest first: exits with an error, memory kills, unhealthy turns',
    CrashPageSchema,
  ),
  getCrash: op(
    'GET',
    '/api/crashes/{id}',
    'history',
    "A crash report with the container's last lines, kept after it is gone",
    CrashReportSchema,
  ),
  getContainerMetrics: op(
    'GET',
    '/api/containers/{id}/metrics',
    'history',
    "A container's metrics history: CPU, memory, network and block I/O over a time range",
    MetricsSeriesSchema,
  ),
  getHostMetrics: op(
    'GET',
    '/api/host/metrics',
    'history',
    'Every container summed: the metrics history of the host, over a time range',
    MetricsSeriesSchema,
  ),
  listWebhooks: op(
    'GET',
    '/api/webhooks',
    'history',
    'Webhook rules (admins): where crash reports are sent',
    z.array(WebhookRuleSchema),
  ),
  addWebhook: op(
    'POST',
    '/api/webhooks',
    'history',
    'Adds a webhook rule (admins)',
    WebhookRuleSchema,
  ),
  updateWebhook: op(
    'PUT',
    '/api/webhooks/{id}',
    'history',
    'Changes a webhook rule (admins)',
    WebhookRuleSchema,
  ),
  deleteWebhook: op(
    'DELETE',
    '/api/webhooks/{id}',
    'history',
    'Deletes a webhook rule and its deliveries (admins)',
    WebhookDeletedSchema,
  ),
  listWebhookDeliveries: op(
    'GET',
    '/api/webhooks/{id}/deliveries',
    'history',
    "A rule's deliveries, newest first, with their tries (admins)",
    z.array(WebhookDeliverySchema),
  ),
  getLogLevels: op('GET', '/api/admin/log-levels', 'admin', 'Run-time log levels', LogLevelsSchema),
  setLogLevel: op(
    'PUT',
    '/api/admin/log-levels',
    'admin',
    "Changes a logger's level in every worker, optionally for a while",
    LogLevelChangedSchema,
  ),
  listUsers: op('GET', '/api/users', 'users', 'Users, by name', z.array(UserSchema)),
  addUser: op(
    'POST',
    '/api/users',
    'users',
    'Adds a user; without a password, one is generated and answered once',
    AddedUserSchema,
  ),
  setUserRole: op(
    'PUT',
    '/api/users/{name}/role',
    'users',
    "Changes a user's role (not your own, not the last admin's); ends their open sockets",
    RoleChangedSchema,
  ),
  resetUserPassword: op(
    'POST',
    '/api/users/{name}/password',
    'users',
    "Sets or generates a new password: ends the user's sessions and sockets and, unless keep_tokens, revokes their tokens",
    PasswordResetSchema,
  ),
  deleteUser: op(
    'DELETE',
    '/api/users/{name}',
    'users',
    'Deletes a user with their sessions and tokens (not yourself, not the last admin)',
    UserDeletedSchema,
  ),
  listTokens: op(
    'GET',
    '/api/tokens',
    'users',
    'API tokens, oldest first, live or not (never their secrets)',
    z.array(TokenSchema),
  ),
  createToken: op(
    'POST',
    '/api/tokens',
    'users',
    "Makes an API token (its role at most its user's); the secret is answered once",
    CreatedTokenSchema,
  ),
  revokeToken: op(
    'DELETE',
    '/api/tokens/{id}',
    'users',
    'Revokes an API token: it stops working at once, and its sockets end',
    TokenRevokedSchema,
  ),
  listContainers: op(
    'GET',
    '/api/containers',
    'containers',
    'Containers from the live model, by name',
    z.array(ContainerSchema),
  ),
  inspectContainer: op(
    'GET',
    '/api/containers/{id}',
    'containers',
    "The engine's inspect answer, secret-looking values masked (secrets=show: admin)",
    z.record(z.string(), z.unknown()),
  ),
  getContainerLogs: op(
    'GET',
    '/api/containers/{id}/logs',
    'containers',
    'The last lines of a log, or a page of it',
    LogsSchema,
  ),
  searchContainerLogs: op(
    'GET',
    '/api/containers/{id}/logs/search',
    'containers',
    'Searches the whole log on the server, bounded in lines, bytes and time',
    LogSearchSchema,
  ),
  downloadContainerLogs: op(
    'GET',
    '/api/containers/{id}/logs/download',
    'containers',
    'The whole log (or since/until), streamed as a text file, optionally only the lines q matches',
    z
      .string()
      .describe(
        'The lines, each ending in a newline (with its timestamp unless timestamps=false).',
      ),
    'text',
  ),
  getContainerCpuStats: op(
    'GET',
    '/api/containers/{id}/cpu-stats',
    'containers',
    'One stats sample of a container',
    StatsSampleSchema,
  ),
  getResourceUsageMetrics: op(
    'GET',
    '/api/resource-usage-metrics',
    'containers',
    'A stats sample of every running container, with totals',
    ResourceUsageSchema,
  ),
  runContainerAction: op(
    'POST',
    '/api/containers/{id}/{action}',
    'containers',
    'Starts, stops, restarts, kills, pauses, unpauses, rebuilds or deletes (admin) a container',
    ContainerActionResultSchema,
    'progress',
  ),
  listImages: op('GET', '/api/images', 'images', 'Images, newest first', z.array(ImageSchema)),
  deleteImage: op('DELETE', '/api/images/{ref}', 'images', 'Deletes an image', ImageRemovalSchema),
  listProjects: op(
    'GET',
    '/api/projects',
    'projects',
    'Containers grouped by compose project, standalone last',
    z.array(ProjectGroupSchema),
  ),
  runProjectAction: op(
    'POST',
    '/api/projects/{name}/{action}',
    'projects',
    'Starts, stops or restarts every container of a project',
    ProjectActionResultSchema,
    'progress',
  ),
  prune: op(
    'POST',
    '/api/docker/prune/{kind}',
    'prune',
    'Removes unused containers, images, volumes or networks, or previews it (dry_run)',
    PruneReplySchema,
    'progress',
  ),
  previewPrune: op(
    'POST',
    '/api/docker/prune/{kind}/preview',
    'prune',
    'Lists, item by item, what a prune would remove and why, with sizes and the total; removes nothing',
    PrunePreviewSchema,
  ),
  confirmPrune: op(
    'POST',
    '/api/docker/prune/{kind}/confirm',
    'prune',
    'Removes exactly the previewed items it is given, each checked again first; reports each one',
    PruneConfirmSchema,
    'progress',
  ),
  getMetrics: op(
    'GET',
    '/metrics',
    'metrics',
    'Prometheus metrics of every worker',
    z.string(),
    'text',
  ),
  getOpenApi: op(
    'GET',
    '/api/openapi.json',
    'metrics',
    'This OpenAPI document',
    z.record(z.string(), z.unknown()),
    'raw',
  ),
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof API;

/** What an operation answers in `data` (or as its whole body, for raw and text ones). */
export type ApiData<K extends OperationId> = z.infer<(typeof API)[K]['data']>;

/** An operation's whole success reply: `{status: "success", data}`. */
export type ApiReply<K extends OperationId> = SuccessReply<ApiData<K>>;

/**
 * The errors an operation answers beyond those every operation of its kind may (a bad request,
 * missing credentials, a role too low, a rate limit, the engine away): each code with why. The
 * OpenAPI document lists them under their statuses, and docs/api.md from it.
 */
export const OPERATION_ERRORS: Partial<Record<OperationId, Partial<Record<ErrorCode, string>>>> = {
  login: {
    unauthorized: 'wrong user name or password',
    rate_limited: 'too many logins from this address, or the user name is locked',
  },
  setLogLevel: { not_found: 'no logger of that name' },
  getCrash: { not_found: 'no such crash report (kept crash_retention_days)' },
  getContainerMetrics: {
    not_found: 'no such container',
    bad_request: 'from after to, or a range of more points than 10,000',
  },
  getHostMetrics: { bad_request: 'from after to, or a range of more points than 10,000' },
  addWebhook: { bad_request: 'a field out of bounds, or a URL that is not http(s)' },
  updateWebhook: { not_found: 'no such rule', bad_request: 'as for adding one' },
  deleteWebhook: { not_found: 'no such rule' },
  listWebhookDeliveries: { not_found: 'no such rule' },
  addUser: { conflict: 'the user exists already' },
  setUserRole: {
    not_found: 'no such user',
    bad_request: 'your own role',
    conflict: 'the last admin',
  },
  resetUserPassword: { not_found: 'no such user' },
  deleteUser: { not_found: 'no such user', bad_request: 'yourself', conflict: 'the last admin' },
  createToken: { not_found: 'no such user', bad_request: "a role above the user's" },
  revokeToken: { not_found: 'no such token', conflict: 'revoked already' },
  inspectContainer: { not_found: 'no such container' },
  getContainerLogs: { not_found: 'no such container' },
  searchContainerLogs: {
    not_found: 'no such container',
    bad_request: 'a pattern RE2 refuses, or one too costly',
    rate_limited: 'four searches run in this worker already',
  },
  downloadContainerLogs: { not_found: 'no such container' },
  getContainerCpuStats: { not_found: 'no such container' },
  runContainerAction: {
    not_found: 'no such container',
    conflict: 'the engine refuses it in this state (delete with force=false of a running one)',
  },
  deleteImage: {
    not_found: 'no such image',
    conflict: 'a container uses it, or it has several tags (force)',
  },
  runProjectAction: { not_found: 'no container carries that project label' },
};
