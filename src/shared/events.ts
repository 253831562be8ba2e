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
import type { CrashSummary } from './crashes.js';
import type { TimelineEvent } from './timeline.js';

/** The handshake's `auth`: a token (unless the cookie proves who it is) and the opt-in. */
export interface SocketAuth {
  token?: string;
  /** Ask for connection-state recovery, and with it the trailing offset argument. */
  recover?: boolean;
}

// Client to server.

const containerRef = z.string().min(1).max(255).describe("The container's id, id prefix or name.");

export const streamRequestSchema = z.object({ container_id: containerRef });

export const logStreamRequestSchema = z.object({
  container_id: containerRef,
  batch: z
    .boolean()
    .optional()
    .describe('Lines as log_batch messages instead of one log_update per line (dwi).'),
  since: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'The timestamp of the last line the client has (after a reconnection): the first chunk is then the lines after it (at most 5,000) instead of the last 100 (dwi).',
    ),
});

/** The most an exec_input event carries: bigger input (a paste) goes as several. */
export const EXEC_INPUT_MAX_CHARS = 4096;

const execSessionRef = z.string().min(1).max(64).describe("exec_start's session_id.");
const terminalCols = z.int().min(1).max(1000).describe("The terminal's width in columns.");
const terminalRows = z.int().min(1).max(1000).describe("The terminal's height in rows.");

/**
 * A command in a container with a terminal (admin only: it runs as the container's user, root
 * mostly). Without `command`, the container's shell: /bin/bash if it has one, else /bin/sh.
 */
export const execStartSchema = z.object({
  container_id: containerRef,
  command: z
    .array(z.string().min(1).max(4096))
    .min(1)
    .max(64)
    .optional()
    .describe(
      "An argv; the container's shell when absent (/bin/bash if it has one, else /bin/sh).",
    ),
  cols: terminalCols.optional().describe("The terminal's width (80 if not given)."),
  rows: terminalRows.optional().describe("The terminal's height (24 if not given)."),
});

export const execInputSchema = z.object({
  session_id: execSessionRef,
  data: z
    .string()
    .min(1)
    .max(EXEC_INPUT_MAX_CHARS)
    .describe('Keys typed or pasted, as text; a longer paste goes as several events.'),
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

export interface TimelineAppended {
  /** Rows recorded since the last message, oldest first. */
  events: TimelineEvent[];
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
  /** Engine events as the timeline records them, through any worker. */
  timeline_event: (payload: TimelineAppended) => void;
  /** A crash report made, or a restart loop's counted again, through any worker. */
  crash_report: (payload: CrashSummary) => void;
  exec_output: (payload: ExecOutput) => void;
  exec_exit: (payload: ExecExit) => void;
  error: (payload: SocketError) => void;
}

// What each event is for, as data: docs/events.md is generated from these maps and the schemas
// and types above (npm run docs), and the compiler holds each map to its event table.

/** `original`: the Flask-SocketIO server's contract, unchanged; `dwi`: an addition. */
export type EventOrigin = 'original' | 'dwi';

export interface ClientEventDoc {
  summary: string;
  origin: EventOrigin;
  /** What the ack callback gets, when the client passes one. */
  ack: string;
}

export const CLIENT_EVENT_DOCS: { [E in ClientEvent]: ClientEventDoc } = {
  start_log_stream: {
    summary:
      "Follow a container's log: `log_update` messages (or `log_batch` with `batch`), first the last 100 lines as one chunk (or the lines after `since`), then one timestamped line per message. One engine stream per container, shared by all its readers; it heals across container and engine restarts (`log_stream_status`).",
    origin: 'original',
    ack: '`{status: "stream_started"}`, or `{status: "error", error, code}` (an unknown container: `not_found`) together with an `error` event.',
  },
  stop_log_stream: {
    summary: 'Stop following a log; answered by `log_stream_stopped`.',
    origin: 'original',
    ack: '`{status: "stream_stopped"}` (dwi).',
  },
  start_stats_stream: {
    summary:
      "Follow a container's resource use: `stats_update` about once a second. One engine stream per container, open only while someone watches.",
    origin: 'dwi',
    ack: '`{status: "stream_started"}`, or an error reply.',
  },
  stop_stats_stream: {
    summary: 'Stop following resource use; answered by `stats_stream_stopped`.',
    origin: 'dwi',
    ack: '`{status: "stream_stopped"}`.',
  },
  exec_start: {
    summary:
      "Run a command in a container with a terminal (the web app's Terminal). Output comes as `exec_output`, the end as `exec_exit`. At most 4 terminals per socket and 8 per user and worker; every start, refusal and end is audited. The command is ended in the engine when the socket goes.",
    origin: 'dwi',
    ack: '`{status: "exec_started", session_id, container_id, name, command}`, or an error reply (`rate_limited` past the limits).',
  },
  exec_input: {
    summary: "Send keys to a terminal's command (at most 4,096 characters an event).",
    origin: 'dwi',
    ack: '`{status: "ok"}`, or an error reply.',
  },
  exec_resize: {
    summary: 'Resize a terminal.',
    origin: 'dwi',
    ack: '`{status: "ok"}`, or an error reply.',
  },
  exec_close: {
    summary: "End a terminal's command (killed in the engine if it does not end by itself).",
    origin: 'dwi',
    ack: '`{status: "exec_closed", session_id, exit_code}`.',
  },
};

/** Every field of a payload, described: a field added to the type must be added here. */
export type PayloadFields<P> = { [K in keyof P]-?: string };

type ServerPayload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

export interface ServerEventDoc<P> {
  summary: string;
  origin: EventOrigin;
  /** Who gets it, when not every connected client. */
  to?: string;
  /** A container payload is documented by the container's schema (ContainerSchema). */
  payload: P extends SocketContainer | DeletedContainer ? 'container' : PayloadFields<P>;
}

export const SERVER_EVENT_DOCS: {
  [E in keyof ServerToClientEvents]: ServerEventDoc<ServerPayload<E>>;
} = {
  connection_established: {
    summary: 'The first message on every connection.',
    origin: 'original',
    payload: { message: '"Connected to Docker Web Interface"' },
  },
  initial_state: {
    summary:
      'Right after `connection_established`: every container, as `container_state_changed` sends one. An engine with none sends `[]`.',
    origin: 'original',
    payload: { containers: 'The containers, each keyed both `container_id` and `id`.' },
  },
  container_state_changed: {
    summary:
      'On every real change of a container (its state, or the verdict of its health check), from the engine model; flat, not wrapped. A removed container comes with `state: "deleted"`.',
    origin: 'original',
    payload: 'container',
  },
  log_update: {
    summary:
      'Lines of a followed log: first the last 100 lines (or the lines after `since`) as one chunk, then one timestamped line per message. A reader too slow to keep up gets the lines that waited as one chunk, with a `[dwi] N lines skipped` line.',
    origin: 'original',
    to: 'the sockets following that log without `batch`',
    payload: {
      container_id: 'As the client named it in start_log_stream.',
      log: 'One or more lines, each starting with its RFC 3339 timestamp and ending in a newline.',
    },
  },
  log_batch: {
    summary: 'Lines of a followed log, at most one message per event-loop turn.',
    origin: 'dwi',
    to: 'the sockets following that log with `batch: true`',
    payload: {
      container_id: 'As the client named it in start_log_stream.',
      lines: 'Timestamped lines, without their newlines, oldest first.',
      streams:
        'One character per line, in the same order: `1` stdout, `2` stderr, `-` a line dwi wrote about the stream itself (the `[dwi] …` healing markers).',
      missed: 'Lines dropped for this reader since the last message (it read too slowly).',
    },
  },
  log_stream_stopped: {
    summary:
      'The reply to `stop_log_stream`; also sent (dwi) when the stream ends because the container went away.',
    origin: 'original',
    to: 'the socket that followed the log',
    payload: { container_id: 'The container.', message: 'Why it stopped, in words.' },
  },
  log_stream_status: {
    summary:
      'What a followed log is doing beyond its lines: `waiting` (the container stopped or the engine is away), `resumed`, `stale` (no line for `stale_stream_after` seconds while it runs), `live` (lines again). A `[dwi] …` marker line goes into the log too.',
    origin: 'dwi',
    to: 'the sockets following that log',
    payload: {
      container_id: 'The container.',
      status: '`waiting`, `resumed`, `stale` or `live`.',
      message: 'The same in words.',
    },
  },
  stats_update: {
    summary: 'A resource-use sample of a followed container, about once a second.',
    origin: 'dwi',
    to: 'the sockets that sent start_stats_stream for it',
    payload: {
      container_id: 'The container.',
      stats:
        'CPU %, memory (without page cache) and its limit, network and block I/O, pids: as `GET /api/containers/{id}/cpu-stats`.',
    },
  },
  stats_stream_stopped: {
    summary: 'The reply to `stop_stats_stream`, or the server ending the stream.',
    origin: 'dwi',
    to: 'the sockets that followed its stats',
    payload: { container_id: 'The container.', message: 'Why it stopped, in words.' },
  },
  container_action: {
    summary: 'Somebody ran an action on a container, through any worker.',
    origin: 'dwi',
    payload: {
      container_id: "The container's id.",
      name: "The container's name.",
      action: 'start, stop, restart, kill, pause, unpause, rebuild or delete.',
      message: 'What was done, in words.',
    },
  },
  audit_appended: {
    summary:
      'Audit rows as they are written through any worker, at most four messages a second per worker; a folded row of refusals comes again with its new count.',
    origin: 'dwi',
    to: 'admins',
    payload: { entries: 'Rows as `GET /api/audit` answers them, oldest first.' },
  },
  timeline_event: {
    summary:
      'Engine events as the timeline records them (one worker records for all), a message every quarter second at most, with who caused each when a user acted through dwi.',
    origin: 'dwi',
    payload: { events: 'Rows as `GET /api/events` answers them, oldest first.' },
  },
  crash_report: {
    summary:
      'A crash report as `GET /api/crashes` lists it: a new one, or a restart loop counted again. `GET /api/crashes/{id}` has its last lines.',
    origin: 'dwi',
    payload: {
      id: 'The report.',
      container_id: 'The container (the last one, in a loop).',
      container_name: "The container's name.",
      project: 'Its compose project, or null.',
      image: 'Its image.',
      reason: 'exit, oom or unhealthy.',
      exit_code: 'Its exit code, or null.',
      oom_killed: 'Whether the kernel killed it for memory.',
      count: 'Times in a row.',
      first_at: 'The first time (ISO 8601).',
      last_at: 'The latest time (ISO 8601).',
    },
  },
  exec_output: {
    summary: "A terminal's output.",
    origin: 'dwi',
    to: 'the socket that started the terminal',
    payload: {
      session_id: "exec_start's session_id.",
      data: 'Output as text (UTF-8, never a split character).',
    },
  },
  exec_exit: {
    summary: "A terminal's command ended.",
    origin: 'dwi',
    to: 'the socket that started the terminal',
    payload: {
      session_id: "exec_start's session_id.",
      exit_code:
        "The command's exit code (137: dwi had to kill it); null when the engine could not tell.",
      reason: '`exited` (it ended by itself, or the engine broke off) or `closed` (exec_close).',
      message: 'The same in words.',
    },
  },
  error: {
    summary:
      "A client event was refused or failed (a bad payload, a role too low, a rate limit), or the socket's credential stopped holding (`unauthorized`, then the server disconnects it).",
    origin: 'original',
    to: 'the socket concerned',
    payload: { error: 'The message.', code: 'A stable code from the error table (dwi).' },
  },
};
