/**
 * Socket.IO events and payloads, shared by the server and the web app: the schemas the server
 * validates client events with, and the types every side is written against.
 *
 * Events carry exactly the original's arguments: `container_state_changed` is `(container)`,
 * `log_update` is `({container_id, log})`. A client that wants connection-state recovery
 * (socket.io-client 4.6+) asks for it in its handshake, `auth: {recover: true}`: it then gets
 * one more, trailing argument on recoverable events, the offset socket.io-client keeps and
 * sends back to resume. Clients that did not ask (python-socketio, the original's own) never
 * see it.
 */
import { z } from 'zod';
import type { AuditEntry } from './api.js';
import type { DeletedContainer, SocketContainer } from './containers.js';
import type { ErrorCode } from './errors.js';
import type { ContainerStats } from './stats.js';

/** The handshake's `auth`: a token (unless the cookie proves who it is) and the opt-in. */
export interface SocketAuth {
  token?: string;
  /** Ask for connection-state recovery, and with it the trailing offset argument. */
  recover?: boolean;
}

// Client to server.

const containerRef = z.string().min(1).max(255);

export const streamRequestSchema = z.object({ container_id: containerRef });

export const logStreamRequestSchema = z.object({
  container_id: containerRef,
  /** Lines as log_batch messages instead of one log_update per line. */
  batch: z.boolean().optional(),
  /**
   * The timestamp of the last line the client has (after a reconnection): the first chunk is
   * then the lines after it (at most 5,000) instead of the last 100.
   */
  since: z.string().min(1).max(64).optional(),
});

export type StreamRequest = z.infer<typeof streamRequestSchema>;
export type LogStreamRequest = z.infer<typeof logStreamRequestSchema>;

/** Every client event and the schema its payload must pass. */
export const clientEventSchemas = {
  start_log_stream: logStreamRequestSchema,
  stop_log_stream: streamRequestSchema,
  start_stats_stream: streamRequestSchema,
  stop_stats_stream: streamRequestSchema,
} as const;

export type ClientEvent = keyof typeof clientEventSchemas;
export type ClientEventPayload<E extends ClientEvent> = z.infer<(typeof clientEventSchemas)[E]>;

/** The reply to a client event that asked for one. */
export type AckReply =
  | { status: 'stream_started' | 'stream_stopped' }
  | { status: 'error'; error: string; code: ErrorCode };

export type Ack = (reply: AckReply) => void;

export type ClientToServerEvents = {
  [E in ClientEvent]: (payload: ClientEventPayload<E>, ack?: Ack) => void;
};

// Server to client.

/**
 * What a followed log is doing, beyond its lines: `waiting` (the container stopped or the engine
 * is away; it resumes when the container runs again), `resumed`, `stale` (no line for a while
 * although the container runs), `live` (lines again after `stale`).
 */
export type LogStreamStatus = 'waiting' | 'resumed' | 'stale' | 'live';

export interface ConnectionEstablished {
  message: string;
}

export interface InitialState {
  containers: SocketContainer[];
}

/** Flat, not wrapped; a removed container comes with state "deleted". */
export type ContainerStateChanged = SocketContainer | DeletedContainer;

export interface LogUpdate {
  container_id: string;
  log: string;
}

export interface LogBatch {
  container_id: string;
  lines: string[];
  missed: number;
}

export interface StreamStopped {
  container_id: string;
  message: string;
}

export interface LogStreamStatusUpdate {
  container_id: string;
  status: LogStreamStatus;
  message: string;
}

export interface StatsUpdate {
  container_id: string;
  stats: ContainerStats;
}

export interface ContainerAction {
  container_id: string;
  name: string;
  action: string;
  message: string;
}

export interface AuditAppended {
  /** Rows written since the last message, oldest first; a folded row comes again with its new count. */
  entries: AuditEntry[];
}

export interface SocketError {
  error: string;
  code: ErrorCode;
}

export interface ServerToClientEvents {
  connection_established: (payload: ConnectionEstablished) => void;
  initial_state: (payload: InitialState) => void;
  container_state_changed: (payload: ContainerStateChanged) => void;
  /**
   * First the last 100 lines as one chunk, then one timestamped line per message. A client that
   * reads too slowly gets the lines that waited as one chunk, with a line saying how many it missed.
   */
  log_update: (payload: LogUpdate) => void;
  /**
   * For clients that asked for `batch` in start_log_stream: timestamped lines (no newline), at
   * most one message per event-loop turn; `missed` counts lines dropped for a slow reader.
   */
  log_batch: (payload: LogBatch) => void;
  log_stream_stopped: (payload: StreamStopped) => void;
  log_stream_status: (payload: LogStreamStatusUpdate) => void;
  stats_update: (payload: StatsUpdate) => void;
  stats_stream_stopped: (payload: StreamStopped) => void;
  /** Somebody ran an action on a container, through any worker. */
  container_action: (payload: ContainerAction) => void;
  /** To admins only: audit rows as they are written, through any worker. */
  audit_appended: (payload: AuditAppended) => void;
  error: (payload: SocketError) => void;
}
