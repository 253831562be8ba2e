/** Containers and images as the REST API and Socket.IO send them (the original's fields first). */

export type ContainerState = 'running' | 'paused' | 'restarting' | 'stopped';

export interface Container {
  id: string;
  name: string;
  /** First tag, else the image id. */
  image: string;
  image_id: string;
  /** The engine's State.Status: created, running, paused, restarting, removing, exited, dead. */
  status: string;
  state: ContainerState;
  /** ISO 8601. */
  created: string;
  /** "18080->80/tcp, 18081->81/udp", "" when none. */
  ports: string;
  /** As the original sent it: "Docker Compose: My Shop" or "Standalone Containers". */
  compose_project: string;
  /** As the original sent it: the service label, else from the container-name label, else "unknown". */
  compose_service: string;
  /** The raw com.docker.compose.project label (what `docker compose -p` takes); null when absent. */
  project: string | null;
  /** The raw com.docker.compose.service label; null when absent. */
  service: string | null;
  labels: Record<string, string>;
}

/** Socket payloads key the id as container_id (the original's name); both keys are sent. */
export type SocketContainer = Container & { container_id: string };

/** A removed container, as container_state_changed announces it. */
export type DeletedContainer = Omit<SocketContainer, 'state'> & { state: 'deleted' };

export interface Image {
  id: string;
  tags: string[];
  /** MB with 2 decimals, as the original. */
  size: number;
  size_bytes: number;
  created: string;
  repo_digests: string[];
  parent_id: string;
  labels: Record<string, string> | null;
}

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
