/**
 * Pure conversions from the engine's shapes to the API's, keeping the original's values. Secrets
 * are masked here (src/shared/masking.ts), once per change of the model rather than per reply.
 */
import {
  CONTAINER_HEALTHS,
  type Container,
  type ContainerHealth,
  type ContainerState,
  type Image,
} from '../../shared/containers.js';
import { maskArguments, maskEnv, maskLabels, maskText } from '../../shared/masking.js';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';
export const CONTAINER_NAME_LABEL = 'com.docker.compose.container-name';
export const STANDALONE = 'Standalone Containers';

/** The parts of GET /containers/json (and of inspect) this module reads. */
export interface EngineContainer {
  Id: string;
  Names?: string[];
  Name?: string;
  Image: string;
  ImageID?: string;
  Created: number | string;
  State?:
    | string
    | {
        Status?: string;
        StartedAt?: string;
        FinishedAt?: string;
        ExitCode?: number;
        Health?: { Status?: string };
      };
  /** The list's words for the state: "Up 2 hours (healthy)", "Exited (3) 5 minutes ago". */
  Status?: string;
  Ports?: Array<{ PrivatePort: number; PublicPort?: number; Type: string; IP?: string }>;
  Labels?: Record<string, string> | null;
}

export function stateOf(status: string): ContainerState {
  switch (status) {
    case 'running':
      return 'running';
    case 'paused':
      return 'paused';
    case 'restarting':
      return 'restarting';
    default:
      return 'stopped';
  }
}

/** "0.0.0.0:18080->80/tcp" listed for IPv4 and IPv6 alike becomes one "18080->80/tcp". */
export function formatPorts(ports: EngineContainer['Ports']): string {
  const seen = new Set<string>();
  for (const port of [...(ports ?? [])].sort((a, b) => a.PrivatePort - b.PrivatePort)) {
    if (port.PublicPort === undefined) continue;
    seen.add(`${port.PublicPort}->${port.PrivatePort}/${port.Type}`);
  }
  return [...seen].join(', ');
}

/** Python's str.capitalize: the first letter upper case, the rest lower. */
function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

/** "my_shop-api" reads "Docker Compose: My Shop Api"; no project reads "Standalone Containers". */
export function displayProject(project: string | null): string {
  if (project === null) return STANDALONE;
  const words = project.replace(/[-_]/g, ' ').split(/\s+/).filter(Boolean);
  return `Docker Compose: ${words.map(capitalize).join(' ')}`;
}

export interface ComposeInfo {
  /** The original's display text: "Docker Compose: My Shop" or "Standalone Containers". */
  compose_project: string;
  /** The original's service: the label, else from the container-name label, else "unknown". */
  compose_service: string;
  /** The raw project label (what `docker compose -p` takes); null when absent or empty. */
  project: string | null;
  /** The raw service label; null when absent or empty. */
  service: string | null;
}

/**
 * The compose fields as the original derived them from the labels, container-name fallback
 * included ("shop_web_1" is project "shop", service "web"), beside the raw label values.
 */
export function composeInfo(labels: Record<string, string>): ComposeInfo {
  // The original tested the labels for truth: an empty label counts as absent.
  const project = labels[PROJECT_LABEL] || null;
  const service = labels[SERVICE_LABEL] || null;
  const containerName = labels[CONTAINER_NAME_LABEL] || null;
  const parts = containerName?.split('_') ?? [];
  let displayed: string | null = project;
  let displayedService = service;
  if (project === null) {
    if (containerName === null) displayedService = 'unknown';
    else if (parts.length >= 2) [displayed, displayedService] = [parts[0]!, parts[1]!];
    else displayedService = containerName;
  } else if (service === null) {
    displayedService =
      containerName === null ? 'unknown' : parts.length >= 2 ? parts[1]! : containerName;
  }
  return {
    // The original left a project named like its own fallback text as it was.
    compose_project: displayed === STANDALONE ? STANDALONE : displayProject(displayed),
    compose_service: displayedService ?? 'unknown',
    project,
    service,
  };
}

const UNIT_MS: Record<string, number> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
};

/** The engine's human duration ("About an hour", "3 days") in milliseconds, to its precision. */
export function humanDurationMs(text: string): number | undefined {
  if (text === 'Less than a second') return 0;
  if (text === 'About a minute') return UNIT_MS.minute;
  if (text === 'About an hour') return UNIT_MS.hour;
  const match = /^(\d+) (second|minute|hour|day|week|month|year)s?$/.exec(text);
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

export interface StateTimes {
  started_at: string | null;
  finished_at: string | null;
  exit_code: number | null;
}

/**
 * When a container started or exited, and its exit code, from the list's status words ("Up 2
 * hours", "Exited (3) 5 minutes ago") as read at `nowMs`: the list carries no timestamps, and
 * inspecting every container at each list would cost an engine call per container.
 */
export function timesFromStatus(status: string | undefined, nowMs: number): StateTimes {
  const times: StateTimes = { started_at: null, finished_at: null, exit_code: null };
  if (status === undefined) return times;
  const ago = (text: string) => {
    const ms = humanDurationMs(text);
    return ms === undefined ? null : new Date(nowMs - ms).toISOString();
  };
  const up = /^Up (.+?)(?: \([^)]*\))*$/.exec(status);
  if (up) return { ...times, started_at: ago(up[1]!) };
  const exited = /^(?:Exited|Restarting) \((-?\d+)\) (.+) ago$/.exec(status);
  if (exited) return { ...times, exit_code: Number(exited[1]), finished_at: ago(exited[2]!) };
  return times;
}

const HEALTH_WORDS = new Map<string, ContainerHealth>([
  ['healthy', 'healthy'],
  ['unhealthy', 'unhealthy'],
  ['health: starting', 'starting'],
]);

/**
 * The health check's verdict from the list's status words: "Up 5 minutes (healthy)", "Up 2
 * seconds (health: starting)", "Up 1 hour (unhealthy)". The engine adds it only while the
 * container runs unpaused ("Up 3 hours (Paused)" has none), and only with a health check.
 */
export function healthFromStatus(status: string | undefined): ContainerHealth | null {
  const words = /^Up .+ \(([^)]*)\)$/.exec(status ?? '')?.[1];
  return HEALTH_WORDS.get(words ?? '') ?? null;
}

/** Inspect's State.Health.Status ("none" without a check), for a running container only. */
function inspectHealth(status: string, health: string | undefined): ContainerHealth | null {
  return status === 'running' && (CONTAINER_HEALTHS as readonly string[]).includes(health ?? '')
    ? (health as ContainerHealth)
    : null;
}

/** Inspect's exact times; the engine writes 0001-01-01 for "never". */
function inspectTimes(state: { StartedAt?: string; FinishedAt?: string; ExitCode?: number }) {
  const time = (value: string | undefined) =>
    value === undefined || value.startsWith('0001-') ? null : new Date(value).toISOString();
  return { started: time(state.StartedAt), finished: time(state.FinishedAt), code: state.ExitCode };
}

export function toContainer(
  raw: EngineContainer,
  imageTag: (imageId: string) => string | undefined,
  nowMs = Date.now(),
): Container {
  const labels = raw.Labels ?? {};
  const status = typeof raw.State === 'string' ? raw.State : (raw.State?.Status ?? 'created');
  const name = (raw.Names?.[0] ?? raw.Name ?? raw.Id.slice(0, 12)).replace(/^\//, '');
  const imageId = raw.ImageID ?? '';
  const created = typeof raw.Created === 'number' ? raw.Created * 1000 : raw.Created;
  return {
    id: raw.Id,
    name,
    image: raw.Image.startsWith('sha256:') ? (imageTag(imageId) ?? raw.Image) : raw.Image,
    image_id: imageId,
    status,
    state: stateOf(status),
    created: new Date(created).toISOString(),
    ports: formatPorts(raw.Ports),
    // The compose fields read the labels as they are; what is sent carries them masked.
    ...composeInfo(labels),
    labels: maskLabels(labels),
    ...stateTimes(raw, status, nowMs),
    health:
      typeof raw.State === 'object'
        ? inspectHealth(status, raw.State.Health?.Status)
        : healthFromStatus(raw.Status),
  };
}

function stateTimes(raw: EngineContainer, status: string, nowMs: number): StateTimes {
  if (typeof raw.State !== 'object') return timesFromStatus(raw.Status, nowMs);
  const { started, finished, code } = inspectTimes(raw.State);
  const running = stateOf(status) !== 'stopped';
  const exited = status === 'exited' || status === 'dead';
  return {
    started_at: running ? started : null,
    finished_at: exited ? finished : null,
    exit_code: exited ? (code ?? null) : null,
  };
}

export interface EngineImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size: number;
  Created: number;
  ParentId?: string;
  Labels?: Record<string, string> | null;
}

/** How many containers use an image, and how many of them run. */
export interface ImageUsage {
  containers: number;
  running: number;
}

/** Image usage by image id, counted over the model's containers (no engine call). */
export function imageUsage(containers: readonly Container[]): Map<string, ImageUsage> {
  const usage = new Map<string, ImageUsage>();
  for (const container of containers) {
    const counts = usage.get(container.image_id) ?? { containers: 0, running: 0 };
    counts.containers += 1;
    if (container.state !== 'stopped') counts.running += 1;
    usage.set(container.image_id, counts);
  }
  return usage;
}

export function toImage(raw: EngineImage, usage: ImageUsage): Image {
  const tags = (raw.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  return {
    id: raw.Id,
    tags,
    size: Math.round((raw.Size / (1024 * 1024)) * 100) / 100,
    size_bytes: raw.Size,
    created: new Date(raw.Created * 1000).toISOString(),
    repo_digests: (raw.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
    parent_id: raw.ParentId ?? '',
    labels: raw.Labels ? maskLabels(raw.Labels) : null,
    dangling: tags.length === 0,
    containers: usage.containers,
    running_containers: usage.running,
  };
}

/** A command's words as inspect gives them: a list, sometimes one string, or null. */
function maskCommand(command: unknown): unknown {
  if (typeof command === 'string') return maskText(command);
  if (Array.isArray(command) && command.every((word) => typeof word === 'string'))
    return maskArguments(command);
  return command;
}

function maskMap(map: unknown): unknown {
  return typeof map === 'object' && map !== null && !Array.isArray(map)
    ? maskLabels(map as Record<string, string>)
    : map;
}

type InspectFields = {
  Path?: unknown;
  Args?: unknown;
  Config?: {
    Env?: string[] | null;
    Labels?: unknown;
    Cmd?: unknown;
    Entrypoint?: unknown;
    Healthcheck?: { Test?: unknown } & Record<string, unknown>;
  } & Record<string, unknown>;
  HostConfig?: { LogConfig?: { Config?: unknown } & Record<string, unknown> } & Record<
    string,
    unknown
  >;
};

/**
 * A container's inspect answer with its secrets masked: the environment, labels, the command
 * (Path, Args, Cmd, Entrypoint, the health check's) and the log driver's options (a Splunk
 * token, a Loki URL with its password). Returns a copy.
 */
export function maskInspect<T extends InspectFields>(info: T): T {
  const { Config: config, HostConfig: host } = info;
  const logConfig = host?.LogConfig;
  return {
    ...info,
    ...(info.Path !== undefined ? { Path: maskCommand(info.Path) } : {}),
    ...(info.Args !== undefined ? { Args: maskCommand(info.Args) } : {}),
    ...(config !== undefined
      ? {
          Config: {
            ...config,
            Env: maskEnv(config.Env),
            Labels: maskMap(config.Labels),
            Cmd: maskCommand(config.Cmd),
            Entrypoint: maskCommand(config.Entrypoint),
            ...(config.Healthcheck !== undefined
              ? {
                  Healthcheck: {
                    ...config.Healthcheck,
                    Test: maskCommand(config.Healthcheck.Test),
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(host !== undefined && logConfig !== undefined
      ? { HostConfig: { ...host, LogConfig: { ...logConfig, Config: maskMap(logConfig.Config) } } }
      : {}),
  };
}
