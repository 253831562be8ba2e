/**
 * Containers and images as the REST API and Socket.IO send them, the original's fields first.
 * The schemas are the one source: the server serializes replies with them, and the types below
 * are inferred from them.
 */
import { z } from 'zod';
import type { Role } from './auth.js';

export const CONTAINER_STATES = ['running', 'paused', 'restarting', 'stopped'] as const;
export const ContainerStateSchema = z.enum(CONTAINER_STATES);
export type ContainerState = z.infer<typeof ContainerStateSchema>;

export const CONTAINER_HEALTHS = ['starting', 'healthy', 'unhealthy'] as const;
export const ContainerHealthSchema = z.enum(CONTAINER_HEALTHS);
export type ContainerHealth = z.infer<typeof ContainerHealthSchema>;

export const ContainerSchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string().describe('First tag, else the image id.'),
  image_id: z.string(),
  status: z
    .string()
    .describe(
      "The engine's State.Status: created, running, paused, restarting, removing, exited, dead.",
    ),
  state: ContainerStateSchema,
  created: z.string().describe('ISO 8601.'),
  ports: z.string().describe('"18080->80/tcp, 18081->81/udp", "" when none.'),
  compose_project: z
    .string()
    .describe('As the original sent it: "Docker Compose: My Shop" or "Standalone Containers".'),
  compose_service: z
    .string()
    .describe(
      'As the original sent it: the service label, else from the container-name label, else "unknown".',
    ),
  project: z
    .string()
    .nullable()
    .describe(
      'The raw com.docker.compose.project label (what `docker compose -p` takes); null when absent.',
    ),
  service: z
    .string()
    .nullable()
    .describe('The raw com.docker.compose.service label; null when absent.'),
  labels: z.record(z.string(), z.string()),
  started_at: z
    .string()
    .nullable()
    .describe(
      'ISO 8601, while running: exact when dwi saw the start, else read from the engine\'s "Up 2 hours" (to its precision).',
    ),
  finished_at: z
    .string()
    .nullable()
    .describe("ISO 8601, once exited: exact when dwi saw it, else to the engine's precision."),
  exit_code: z.int().nullable().describe('The last exit code of an exited container.'),
  health: ContainerHealthSchema.nullable().describe(
    "The health check's verdict while running (paused: null); null without a health check.",
  ),
});
export type Container = z.infer<typeof ContainerSchema>;

/** Socket payloads key the id as container_id (the original's name); both keys are sent. */
export type SocketContainer = Container & { container_id: string };

/** A removed container, as container_state_changed announces it. */
export type DeletedContainer = Omit<SocketContainer, 'state'> & { state: 'deleted' };

export const ImageSchema = z.object({
  id: z.string().describe('"sha256:..."'),
  tags: z.array(z.string()),
  size: z.number().describe('MB with 2 decimals, as the original.'),
  size_bytes: z.int(),
  created: z.string().describe('ISO 8601.'),
  repo_digests: z.array(z.string()),
  parent_id: z.string(),
  labels: z.record(z.string(), z.string()).nullable(),
  dangling: z
    .boolean()
    .describe('No tag: what `docker image prune` removes unless a container uses it.'),
  containers: z.int().describe('How many containers (in any state) use it, from the live model.'),
  running_containers: z.int().describe('How many of those are running, paused or restarting.'),
});
export type Image = z.infer<typeof ImageSchema>;

export const CONTAINER_ACTIONS = [
  'start',
  'stop',
  'restart',
  'kill',
  'pause',
  'unpause',
  'rebuild',
  'delete',
] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** What POST /api/projects/{name}/{action} runs on every container of a project (operator). */
export const PROJECT_ACTIONS = ['start', 'stop', 'restart'] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

/** The least role each action needs (the server enforces it; the web app offers no more). */
export const CONTAINER_ACTION_ROLES: Record<ContainerAction, Role> = {
  start: 'operator',
  stop: 'operator',
  restart: 'operator',
  kill: 'operator',
  pause: 'operator',
  unpause: 'operator',
  rebuild: 'operator',
  delete: 'admin',
};
