/** Socket.IO events and payloads (DESIGN.md section 3), shared by the server and the web app. */
import type { DeletedContainer, SocketContainer } from './containers.js';
import type { ErrorCode } from './errors.js';
import type { ContainerStats } from './stats.js';

/**
 * What a followed log is doing, beyond its lines: `waiting` (the container stopped or the engine
 * is away; it resumes when the container runs again), `resumed`, `stale` (no line for a while
 * although the container runs), `live` (lines again after `stale`).
 */
export type LogStreamStatus = 'waiting' | 'resumed' | 'stale' | 'live';

export interface ServerToClientEvents {
  connection_established: (payload: { message: string }) => void;
  initial_state: (payload: { containers: SocketContainer[] }) => void;
  /** Flat, not wrapped; a removed container comes with state "deleted". */
  container_state_changed: (payload: SocketContainer | DeletedContainer) => void;
  /**
   * First the last 100 lines as one chunk, then one timestamped line per message. A client that
   * reads too slowly gets the lines that waited as one chunk, with a line saying how many it missed.
   */
  log_update: (payload: { container_id: string; log: string }) => void;
  /**
   * For clients that asked for `batch` in start_log_stream: timestamped lines (no newline), at
   * most one message per event-loop turn; `missed` counts lines dropped for a slow reader.
   */
  log_batch: (payload: { container_id: string; lines: string[]; missed: number }) => void;
  log_stream_stopped: (payload: { container_id: string; message: string }) => void;
  log_stream_status: (payload: {
    container_id: string;
    status: LogStreamStatus;
    message: string;
  }) => void;
  stats_update: (payload: { container_id: string; stats: ContainerStats }) => void;
  stats_stream_stopped: (payload: { container_id: string; message: string }) => void;
  /** Somebody ran an action on a container, through any worker. */
  container_action: (payload: {
    container_id: string;
    name: string;
    action: string;
    message: string;
  }) => void;
  error: (payload: { error: string; code: ErrorCode }) => void;
}

export type Ack = (
  reply:
    | { status: 'stream_started' | 'stream_stopped' }
    | { status: 'error'; error: string; code: ErrorCode },
) => void;

export interface LogStreamRequest {
  container_id: string;
  /** Lines as log_batch messages instead of one log_update per line. */
  batch?: boolean;
  /**
   * The timestamp of the last line the client has (after a reconnection): the first chunk is
   * then the lines after it (at most 5,000) instead of the last 100.
   */
  since?: string;
}

export interface ClientToServerEvents {
  start_log_stream: (payload: LogStreamRequest, ack?: Ack) => void;
  stop_log_stream: (payload: { container_id: string }, ack?: Ack) => void;
  start_stats_stream: (payload: { container_id: string }, ack?: Ack) => void;
  stop_stats_stream: (payload: { container_id: string }, ack?: Ack) => void;
}
