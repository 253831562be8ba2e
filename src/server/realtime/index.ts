/**
 * The Socket.IO server of a worker: the original's events (DESIGN.md section 3), fed by the
 * engine model (no polling) and the shared log streams.
 */
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import type { Container, SocketContainer } from '../../shared/containers.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../shared/events.js';
import type { Engine } from '../engine/engine.js';
import { knownError } from '../http/errors.js';
import { LogStreams } from './logs.js';

type DwiSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const streamRequest = z.object({ container_id: z.string().min(1).max(255) });

export function socketContainer(container: Container): SocketContainer {
  return { ...container, container_id: container.id };
}

export interface Realtime {
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  logStreams: LogStreams;
  close(): Promise<void>;
}

/** `onSession` hears of every Socket.IO session opened and closed here (sticky routing). */
export function attachRealtime(
  server: HttpServer,
  engine: Engine,
  log: Logger,
  onSession: (sid: string, open: boolean) => void = () => {},
): Realtime {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(server, {
    path: '/socket.io',
    serveClient: false,
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });
  const logStreams = new LogStreams(engine, log);
  io.engine.on(
    'connection',
    (session: { id: string; once(event: 'close', fn: () => void): void }) => {
      onSession(session.id, true);
      session.once('close', () => onSession(session.id, false));
    },
  );

  // One subscription to the model: every real state change, to every client of this worker.
  const unsubscribe = engine.containers.subscribe((change) => {
    if (change.kind === 'remove') {
      io.emit('container_state_changed', {
        ...socketContainer(change.container),
        state: 'deleted',
      });
    } else if (
      change.previous === undefined ||
      change.previous.status !== change.container.status
    ) {
      io.emit('container_state_changed', socketContainer(change.container));
    }
  });

  io.on('connection', (socket: DwiSocket) => {
    log.debug(`socket ${socket.id} connected`);
    socket.emit('connection_established', { message: 'Connected to Docker Web Interface' });
    socket.emit('initial_state', { containers: engine.containers.list().map(socketContainer) });

    const fail = (ack: Ack | undefined, code: ErrorCode, error: string) => {
      socket.emit('error', { error, code });
      if (typeof ack === 'function') ack({ status: 'error', error, code });
    };

    socket.on('start_log_stream', (payload: unknown, ack?: Ack) => {
      const parsed = streamRequest.safeParse(payload);
      if (!parsed.success) return fail(ack, 'bad_request', 'start_log_stream needs {container_id}');
      const ref = parsed.data.container_id;
      logStreams
        .subscribe(ref, {
          id: socket.id,
          send: (text) => socket.emit('log_update', { container_id: ref, log: text }),
          stopped: (message) => socket.emit('log_stream_stopped', { container_id: ref, message }),
        })
        .then(
          (containerId) => {
            // Gone while the stream opened: its disconnect found nothing to drop yet.
            if (socket.disconnected) logStreams.unsubscribe(containerId, socket.id);
            else ack?.({ status: 'stream_started' });
          },
          (err: unknown) => {
            const known = knownError(err);
            if (known === undefined)
              log.error({ err }, `start_log_stream failed: ${(err as Error)?.message}`);
            fail(ack, known?.code ?? 'internal', known?.message ?? 'internal error');
          },
        );
    });

    socket.on('stop_log_stream', (payload: unknown, ack?: Ack) => {
      const parsed = streamRequest.safeParse(payload);
      if (!parsed.success) return fail(ack, 'bad_request', 'stop_log_stream needs {container_id}');
      const ref = parsed.data.container_id;
      const id = engine.containers.find(ref)?.id ?? ref;
      logStreams.unsubscribe(id, socket.id);
      socket.emit('log_stream_stopped', { container_id: ref, message: 'Log stream stopped' });
      ack?.({ status: 'stream_stopped' });
    });

    socket.on('disconnect', (reason) => {
      log.debug(`socket ${socket.id} disconnected (${reason})`);
      logStreams.dropSubscriber(socket.id);
    });
  });

  return {
    io,
    logStreams,
    close: async () => {
      unsubscribe();
      await io.close();
    },
  };
}
