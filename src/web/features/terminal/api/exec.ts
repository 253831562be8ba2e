/**
 * One exec session over the page's socket: exec_start, then keystrokes (exec_input), sizes
 * (exec_resize) and exec_close, with exec_output and exec_exit for this session only.
 */
import { EXEC_INPUT_MAX_CHARS, type ExecExit } from '../../../../shared/events.js';
import type { DwiSocket } from '../../../lib/socket.js';

/**
 * Characters per exec_input: a quarter of what one may carry, so even a paste of control
 * characters (six bytes each in JSON) stays under the server's event size limit.
 */
const INPUT_CHUNK = EXEC_INPUT_MAX_CHARS / 4;

/** Waiting for the server to start it, a whole minute under load. */
const START_TIMEOUT_MS = 60_000;

export interface Started {
  sessionId: string;
  containerId: string;
  name: string;
  command: string[];
}

export interface ExecHandlers {
  started(session: Started): void;
  output(data: string): void;
  exited(exit: ExecExit): void;
  /** Refused or failed to start; the request never ran. */
  failed(error: string, code: string): void;
  /** The socket dropped while it ran: the server ended the command. */
  dropped(): void;
}

export interface ExecSession {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** Ends the command; its exit arrives as for one that ended by itself. */
  end(): void;
  /** Ends the command (if it runs) and stops listening: the page is going. */
  close(): void;
}

export function startExec(
  socket: DwiSocket,
  request: { containerId: string; cols: number; rows: number },
  on: ExecHandlers,
): ExecSession {
  let sessionId: string | undefined;
  let done = false;
  const finish = () => {
    done = true;
    socket.off('exec_output', onOutput);
    socket.off('exec_exit', onExit);
    socket.off('disconnect', onDisconnect);
  };
  const onOutput = ({ session_id, data }: { session_id: string; data: string }) => {
    if (session_id === sessionId) on.output(data);
  };
  const onExit = (exit: ExecExit) => {
    if (exit.session_id !== sessionId) return;
    finish();
    on.exited(exit);
  };
  const onDisconnect = () => {
    finish();
    if (sessionId === undefined)
      on.failed('the connection to dwi dropped before the terminal started', 'disconnected');
    else on.dropped();
  };
  socket.on('exec_output', onOutput);
  socket.on('exec_exit', onExit);
  socket.on('disconnect', onDisconnect);

  // A callback, not a promise: it runs as the reply is read, before the output behind it.
  let answered = false;
  const timer = setTimeout(() => {
    if (answered || done) return;
    finish();
    on.failed('dwi did not answer: is the connection up?', 'timeout');
  }, START_TIMEOUT_MS);
  socket.emit(
    'exec_start',
    { container_id: request.containerId, cols: request.cols, rows: request.rows },
    (reply) => {
      answered = true;
      clearTimeout(timer);
      if (done) {
        // Left (or given up on) before it started: end it at once.
        if (reply.status === 'exec_started')
          socket.emit('exec_close', { session_id: reply.session_id });
        return;
      }
      if (reply.status === 'exec_started') {
        sessionId = reply.session_id;
        return on.started({
          sessionId: reply.session_id,
          containerId: reply.container_id,
          name: reply.name,
          command: reply.command,
        });
      }
      finish();
      if (reply.status === 'error') on.failed(reply.error, reply.code);
      else on.failed(`unexpected reply ${reply.status}`, 'internal');
    },
  );

  return {
    input: (data) => {
      if (done || sessionId === undefined) return;
      for (let at = 0; at < data.length;) {
        let next = Math.min(at + INPUT_CHUNK, data.length);
        // Never between the two halves of a character beyond 16 bits (an emoji).
        if (next < data.length && /[\uD800-\uDBFF]/.test(data[next - 1]!)) next -= 1;
        socket.emit('exec_input', { session_id: sessionId, data: data.slice(at, next) });
        at = next;
      }
    },
    resize: (cols, rows) => {
      if (done || sessionId === undefined) return;
      socket.emit('exec_resize', { session_id: sessionId, cols, rows });
    },
    end: () => {
      if (!done && sessionId !== undefined) socket.emit('exec_close', { session_id: sessionId });
    },
    close: () => {
      clearTimeout(timer);
      if (done) return;
      const id = sessionId;
      finish();
      if (id !== undefined) socket.emit('exec_close', { session_id: id });
    },
  };
}
