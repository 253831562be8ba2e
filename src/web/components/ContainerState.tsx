/**
 * A container's state as the list and the container's header show it: a dot (colour and shape)
 * and the state in words with its health check's verdict and its detail; a project's containers
 * counted by state. A place may size the dot and weigh the words with
 * --state-dot-size and --state-text-weight.
 */
import { CONTAINER_STATES, type Container, type ContainerHealth } from '../../shared/containers.js';
import { stateDetail } from '../lib/container-state.js';
import { CrashBadge } from './CrashBadge.js';
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
      {container.health !== null && <HealthBadge health={container.health} />}
      <CrashBadge of={{ container: container.name }} now={now} />
      {container.state !== 'stopped' && detail && (
        <span className={styles.detail}> · {detail}</span>
      )}
    </>
  );
}

/**
 * The health check's verdict in words (the colour only repeats them, unhealthy in the danger
 * colour), read out as "health check: unhealthy". Before the detail, so a narrow cell cuts the
 * uptime rather than the verdict.
 */
export function HealthBadge({ health }: { health: ContainerHealth }) {
  return (
    <span className={styles.health} data-health={health} title={`Health check: ${health}`}>
      <span className="visually-hidden">{' health check: '}</span>
      {health}
    </span>
  );
}

/** "● 3 running ◌ 1 stopped": the states some container is in, each with its count. */
export function StateCounts({ counts }: { counts: Record<Container['state'], number> }) {
  return CONTAINER_STATES.filter((state) => counts[state] > 0).map((state) => (
    <span key={state} className={styles.count}>
      <StateDot state={state} />
      {counts[state]} {state}
    </span>
  ));
}
