/**
 * What stands between the page and live data, said once at the top: the socket is down (and
 * reconnecting) or the server is not ready (shutting down). It goes away by itself.
 */
import { useReadiness } from '../lib/readiness.js';
import { useSocketStatus } from '../lib/live.js';
import { Icon } from '../components/Icon.js';
import styles from './shell.module.css';

export function ConnectionBanner() {
  const socket = useSocketStatus();
  const readiness = useReadiness();
  let message: string | undefined;
  if (socket.state === 'disconnected')
    message = `Live updates are paused: the connection to the server was lost (${socket.reason}). Reconnecting…`;
  // An engine that cannot be reached gets the whole page (EngineUnavailable.tsx).
  else if (readiness?.ready === false && readiness.engine?.connected !== false)
    message = `The server is not ready: ${readiness.detail}. Retrying…`;
  if (message === undefined) return null;
  return (
    <div role="status" className={styles.banner}>
      <Icon name="alert" />
      <span>{message}</span>
    </div>
  );
}

/** The connection's state in the top bar: a dot and a word. */
export function ConnectionPill() {
  const socket = useSocketStatus();
  const readiness = useReadiness();
  const [tone, label] =
    socket.state === 'connected'
      ? readiness?.ready === false
        ? ['warn', 'Engine unavailable']
        : ['ok', 'Live']
      : socket.state === 'connecting'
        ? ['idle', 'Connecting']
        : ['warn', 'Offline'];
  return (
    <span className={styles.pill} data-tone={tone} title={`Connection: ${label}`}>
      <span className={styles.pillDot} aria-hidden="true" />
      <span className={styles.pillLabel}>{label}</span>
    </span>
  );
}
