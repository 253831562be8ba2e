/**
 * A container's state as the list and the container's header show it: a dot (colour and shape)
 * and the state in words with its detail. A place may size the dot and weigh the words with
 * --state-dot-size and --state-text-weight.
 */
import type { Container } from '../../shared/containers.js';
import { stateDetail } from '../lib/container-state.js';
import styles from './container-state.module.css';

export function StateDot({ state }: { state: Container['state'] }) {
  return <span className={styles.dot} data-state={state} aria-hidden="true" />;
}

/** "running · up 5 min"; a stopped container's detail says more: "exited (3) · 2 h ago". */
export function StateText({ container, now }: { container: Container; now: number }) {
  const detail = stateDetail(container, now);
  return (
    <>
      <span className={styles.stateText} data-state={container.state}>
        {container.state === 'stopped' ? detail : container.state}
      </span>
      {container.state !== 'stopped' && detail && (
        <span className={styles.detail}> · {detail}</span>
      )}
    </>
  );
}
