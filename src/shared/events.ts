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

/** The most an exec_input event carries: bigger input (a paste) goes as several. */
export const EXEC_INPUT_MAX_CHARS = 4096;

const execSessionRef = z.string().min(1).max(64);
const terminalCols = z.int().min(1).max(1000);
const terminalRows = z.int().min(1).max(1000);

/**
 * A command in a container with a terminal (admin only: it runs as the container's user, root
 * mostly). Without `command`, the container's shell: /bin/bash if it has one, else /bin/sh.
 */
export const execStartSchema = z.object({
  container_id: containerRef,
  command: z.array(z.string().min(1).max(4096)).min(1).max(64).optional(),
  /** The terminal's size (80x24 if not given). */
  cols: terminalCols.optional(),
  rows: terminalRows.optional(),
});

export const execInputSchema = z.object({
  session_id: execSessionRef,
  data: z.string().min(1).max(EXEC_INPUT_MAX_CHARS),
});

export const execResizeSchema = z.object({
  session_id: execSessionRef,
  cols: terminalCols,
  rows: terminalRows,
});

export const execCloseSchema = z.object({ session_id: execSessionRef });

export type ExecStartRequest = z.infer<typeof execStartSchema>;

export type StreamRequest = z.infer<typeof streamRequestSchema>;
export type LogStreamRequest = z.infer<typeof logStreamRequestSchema>;

/** Every client event and the schema its payload must pass. */
export const clientEventSchemas = {
  start_log_stream: logStreamRequestSchema,
  stop_log_stream: streamRequestSchema,
  start_stats_stream: streamRequestSchema,
  stop_stats_stream: streamRequestSchema,
  exec_start: execStartSchema,
  exec_input: execInputSchema,
  exec_resize: execResizeSchema,
  exec_close: execCloseSchema,
} as const;

export type ClientEvent = keyof typeof clientEventSchemas;
export type ClientEventPayload<E extends ClientEvent> = z.infer<(typeof clientEventSchemas)[E]>;

/** The reply to a client event that asked for one. */
export type AckReply =
  | { status: 'stream_started' | 'stream_stopped' }
  | ExecStarted
  | { status: 'exec_closed'; session_id: string; exit_code: number | null }
  /** exec_input and exec_resize, when the client asked for a reply. */
  | { status: 'ok' }
  | { status: 'error'; error: string; code: ErrorCode };

/** The reply to exec_start: the session to name in exec_input, exec_resize and exec_close. */
export interface ExecStarted {
  status: 'exec_started';
  session_id: string;
  /** The container's full id and name. */
  container_id: string;
  name: string;
  /** What runs: the command asked for, or the shell chosen. */
  command: string[];
}

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

/**
 * A line's stream in a log_batch's `streams`: `1` stdout, `2` stderr (their file descriptors),
 * `-` a line dwi wrote about the stream itself (the `[dwi] …` healing markers).
 */
export type LogStreamCode = '1' | '2' | '-';

export const streamCode = { stdout: '1', stderr: '2' } as const satisfies Record<
  'stdout' | 'stderr',
  LogStreamCode
>;

export interface LogBatch {
  container_id: string;
  lines: string[];
  /** One character per line, in the same order: each line's LogStreamCode. */
  streams: string;
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

/** Terminal output of an exec session, as text (UTF-8 decoded, never a split character). */
export interface ExecOutput {
  session_id: string;
  data: string;
}

/**
 * An exec session ended: `exited` (the command ended by itself, or the engine broke off),
 * `closed` (exec_close: dwi ended the command). `exit_code` is the command's (137 when it had
 * to be killed), null when the engine could not tell.
 */
export interface ExecExit {
  session_id: string;
  exit_code: number | null;
  reason: 'exited' | 'closed';
  message: string;
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
  exec_output: (payload: ExecOutput) => void;
  exec_exit: (payload: ExecExit) => void;
  error: (payload: SocketError) => void;
}
