/**
 * What the overview shows, read from the engine's inspect answer (GET /api/containers/{id}),
 * which is the engine's own shape: every field is read with care, a missing or odd one giving
 * an empty value rather than an error. Pure.
 */
import { MASK } from '../../../../shared/masking.js';

export interface EnvVar {
  name: string;
  value: string;
  /** The server hid all or part of the value (a secret). */
  masked: boolean;
}

export interface PortBinding {
  /** "80/tcp" */
  container: string;
  /** "0.0.0.0:18080", or null when not published. */
  host: string | null;
  /** The published port, for a link (TCP only). */
  hostPort: string | null;
}

export interface Mount {
  type: string;
  source: string;
  destination: string;
  readOnly: boolean;
  /** A named volume's name. */
  name: string | null;
}

export interface Network {
  name: string;
  ip: string;
  gateway: string;
  mac: string;
  aliases: string[];
}

export interface HealthCheck {
  start: string;
  end: string;
  exitCode: number | null;
  output: string;
}

export interface Health {
  status: string;
  failingStreak: number;
  /** The last checks, newest first. */
  log: HealthCheck[];
  /** The check's command ("CMD-SHELL wget -q ..."). */
  test: string | null;
}

export interface Overview {
  id: string;
  name: string;
  image: string;
  imageId: string;
  created: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  oomKilled: boolean;
  error: string;
  restartPolicy: string;
  restartCount: number;
  entrypoint: string[];
  command: string[];
  workingDir: string;
  user: string;
  hostname: string;
  /** Explicit memory limit in bytes; 0 when the container has none (the host's memory). */
  memoryLimit: number;
  env: EnvVar[];
  ports: PortBinding[];
  mounts: Mount[];
  networks: Network[];
  labels: Array<[string, string]>;
  health: Health | null;
}

type Json = Record<string, unknown>;

const object = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const integer = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** The engine's "zero time" for a date that never happened. */
const date = (value: unknown): string | null => {
  const iso = text(value);
  return iso === '' || iso.startsWith('0001-01-01') ? null : iso;
};

export function readEnv(env: readonly string[]): EnvVar[] {
  return env.map((entry) => {
    const equals = entry.indexOf('=');
    const name = equals === -1 ? entry : entry.slice(0, equals);
    const value = equals === -1 ? '' : entry.slice(equals + 1);
    return { name, value, masked: value.includes(MASK) };
  });
}

/** Every exposed or published port, published ones first, each host binding on its own. */
export function readPorts(ports: unknown): PortBinding[] {
  const bindings: PortBinding[] = [];
  for (const [container, hosts] of Object.entries(object(ports))) {
    if (!Array.isArray(hosts) || hosts.length === 0) {
      bindings.push({ container, host: null, hostPort: null });
      continue;
    }
    for (const host of hosts) {
      const { HostIp, HostPort } = object(host);
      const ip = text(HostIp) || '0.0.0.0';
      const port = text(HostPort);
      bindings.push({
        container,
        host: `${ip.includes(':') ? `[${ip}]` : ip}:${port}`,
        hostPort: port || null,
      });
    }
  }
  const published = (binding: PortBinding) => (binding.host === null ? 1 : 0);
  return bindings.sort(
    (a, b) =>
      published(a) - published(b) ||
      parseInt(a.container) - parseInt(b.container) ||
      a.container.localeCompare(b.container),
  );
}

function readHealth(state: Json, config: Json): Health | null {
  const health = object(state.Health);
  const status = text(health.Status);
  if (status === '') return null;
  const test = strings(object(config.Healthcheck).Test);
  return {
    status,
    failingStreak: integer(health.FailingStreak) ?? 0,
    log: (Array.isArray(health.Log) ? health.Log : [])
      .map((entry) => {
        const check = object(entry);
        return {
          start: text(check.Start),
          end: text(check.End),
          exitCode: integer(check.ExitCode),
          output: text(check.Output).trimEnd(),
        };
      })
      .reverse(),
    test: test.length > 0 ? test.join(' ') : null,
  };
}

export function readOverview(inspect: Record<string, unknown>): Overview {
  const state = object(inspect.State);
  const config = object(inspect.Config);
  const hostConfig = object(inspect.HostConfig);
  const policy = object(hostConfig.RestartPolicy);
  const retries = integer(policy.MaximumRetryCount) ?? 0;
  const policyName = text(policy.Name) || 'no';
  const networkSettings = object(inspect.NetworkSettings);

  return {
    id: text(inspect.Id),
    name: text(inspect.Name).replace(/^\//, ''),
    image: text(config.Image),
    imageId: text(inspect.Image),
    created: date(inspect.Created),
    startedAt: date(state.StartedAt),
    finishedAt: date(state.FinishedAt),
    exitCode: integer(state.ExitCode),
    oomKilled: state.OOMKilled === true,
    error: text(state.Error),
    restartPolicy:
      policyName === 'on-failure' && retries > 0 ? `on-failure (at most ${retries})` : policyName,
    restartCount: integer(inspect.RestartCount) ?? 0,
    entrypoint: strings(config.Entrypoint),
    command: strings(config.Cmd),
    workingDir: text(config.WorkingDir),
    user: text(config.User),
    hostname: text(config.Hostname),
    memoryLimit: integer(hostConfig.Memory) ?? 0,
    env: readEnv(strings(config.Env)),
    ports: readPorts(networkSettings.Ports),
    mounts: (Array.isArray(inspect.Mounts) ? inspect.Mounts : []).map((entry) => {
      const mount = object(entry);
      return {
        type: text(mount.Type),
        source: text(mount.Source),
        destination: text(mount.Destination),
        readOnly: mount.RW === false,
        name: text(mount.Name) || null,
      };
    }),
    networks: Object.entries(object(networkSettings.Networks))
      .map(([name, value]) => {
        const network = object(value);
        const prefix = integer(network.IPPrefixLen);
        const ip = text(network.IPAddress);
        return {
          name,
          ip: ip && prefix ? `${ip}/${prefix}` : ip,
          gateway: text(network.Gateway),
          mac: text(network.MacAddress),
          aliases: strings(network.Aliases),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    labels: Object.entries(object(config.Labels))
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
      .sort(([a], [b]) => a.localeCompare(b)),
    health: readHealth(state, config),
  };
}
