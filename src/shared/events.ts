/** Socket.IO events and payloads (DESIGN.md section 3), shared by the server and the web app. */
import type { DeletedContainer, SocketContainer } from './containers.js';
import type { ErrorCode } from './errors.js';

export interface ServerToClientEvents {
  connection_established: (payload: { message: string }) => void;
  initial_state: (payload: { containers: SocketContainer[] }) => void;
  /** Flat, not wrapped; a removed container comes with state "deleted". */
  container_state_changed: (payload: SocketContainer | DeletedContainer) => void;
  /** First the last 100 lines as one chunk, then one timestamped line per message. */
  log_update: (payload: { container_id: string; log: string }) => void;
  log_stream_stopped: (payload: { container_id: string; message: string }) => void;
  error: (payload: { error: string; code: ErrorCode }) => void;
}

export type Ack = (
  reply:
    | { status: 'stream_started' | 'stream_stopped' }
    | { status: 'error'; error: string; code: ErrorCode },
) => void;

export interface ClientToServerEvents {
  start_log_stream: (payload: { container_id: string }, ack?: Ack) => void;
  stop_log_stream: (payload: { container_id: string }, ack?: Ack) => void;
}
