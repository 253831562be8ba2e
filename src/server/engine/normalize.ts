/** Pure conversions from the engine's shapes to the API's (DESIGN.md section 3). */
import type { Container, ContainerState, Image } from '../../shared/containers.js';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

/** The parts of GET /containers/json (and of inspect) this module reads. */
export interface EngineContainer {
  Id: string;
  Names?: string[];
  Name?: string;
  Image: string;
  ImageID?: string;
  Created: number | string;
  State?: string | { Status?: string };
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

export function displayProject(project: string | null): string {
  if (project === null) return 'Standalone Containers';
  const words = project.replace(/[-_]+/g, ' ').trim().split(/\s+/);
  return `Docker Compose: ${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ')}`;
}

export function toContainer(
  raw: EngineContainer,
  imageTag: (imageId: string) => string | undefined,
): Container {
  const labels = raw.Labels ?? {};
  const status = typeof raw.State === 'string' ? raw.State : (raw.State?.Status ?? 'created');
  const name = (raw.Names?.[0] ?? raw.Name ?? raw.Id.slice(0, 12)).replace(/^\//, '');
  const imageId = raw.ImageID ?? '';
  const project = labels[PROJECT_LABEL] ?? null;
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
    compose_project: project,
    compose_service: labels[SERVICE_LABEL] ?? null,
    compose_project_display: displayProject(project),
    labels,
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

export function toImage(raw: EngineImage): Image {
  return {
    id: raw.Id,
    tags: (raw.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    size: Math.round((raw.Size / (1024 * 1024)) * 100) / 100,
    size_bytes: raw.Size,
    created: new Date(raw.Created * 1000).toISOString(),
    repo_digests: (raw.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
    parent_id: raw.ParentId ?? '',
    labels: raw.Labels ?? null,
  };
}

const SECRET_NAME = /(PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL|PRIVATE)/i;
export const MASK = '********';

/** Masks the values of secret-looking env vars ("NAME=value"). */
export function maskEnv(env: string[] | null | undefined): string[] {
  return (env ?? []).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq === -1 || !SECRET_NAME.test(entry.slice(0, eq))) return entry;
    return `${entry.slice(0, eq)}=${MASK}`;
  });
}

/** Masks the values of secret-looking labels. */
export function maskLabels(
  labels: Record<string, string> | null | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels ?? {}).map(([k, v]) => [k, SECRET_NAME.test(k) ? MASK : v]),
  );
}
