/**
 * While the server cannot reach the Docker engine, the page says so in full instead of showing
 * an empty list: the address it tried, why it failed, what to do. The page underneath stays
 * mounted (hidden), so a log being read survives an engine restart; when the engine is back
 * this goes away by itself and what failed meanwhile is read again.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, type ReactNode } from 'react';
import type { EngineStatus } from '../../shared/health.js';
import { Icon } from '../components/Icon.js';
import { NOT_READY_INTERVAL_MS, readinessQuery, useEngineAway } from '../lib/readiness.js';
import styles from './engine-unavailable.module.css';

export function EngineGate({ children }: { children: ReactNode }) {
  const engine = useEngineAway();
  const away = engine !== undefined;
  const queryClient = useQueryClient();
  const wasAway = useRef(false);
  useEffect(() => {
    // Lists asked for while the engine was away got 503s: ask again now that it is back.
    if (wasAway.current && !away)
      void queryClient.refetchQueries({ predicate: (query) => query.state.status === 'error' });
    wasAway.current = away;
  }, [away, queryClient]);
  return (
    <>
      {engine !== undefined && <EngineUnavailable engine={engine} />}
      <div className={styles.content} hidden={away}>
        {children}
      </div>
    </>
  );
}

function EngineUnavailable({ engine }: { engine: EngineStatus }) {
  const queryClient = useQueryClient();
  const connecting = engine.detail === 'connecting';
  return (
    <section className={styles.page} aria-labelledby="engine-unavailable-title">
      <div className={styles.card}>
        <div className={styles.heading}>
          <span className={styles.icon}>
            <Icon name="alert" size={28} />
          </span>
          <h1 id="engine-unavailable-title">
            {connecting ? 'Connecting to the Docker engine…' : 'The Docker engine is unavailable'}
          </h1>
        </div>
        <dl className={styles.facts}>
          <dt>Engine address</dt>
          <dd>
            <code>{engine.address}</code>
          </dd>
          {!connecting && (
            <>
              <dt>What failed</dt>
              <dd>{sentence(engine.detail)}</dd>
            </>
          )}
        </dl>
        {engine.advice.length > 0 && (
          <>
            <h2>What to do</h2>
            <ul className={styles.advice}>
              {engine.advice.map((step) => (
                <li key={step}>{step}</li>
              ))}
            </ul>
          </>
        )}
        <p className={styles.retry}>
          <span role="status">
            <span className={styles.spinner} aria-hidden="true" />
            Checking again every {NOT_READY_INTERVAL_MS / 1000} s; this page goes away by itself
            once the engine answers.
          </span>
          <button
            type="button"
            className="button small"
            onClick={() => void queryClient.refetchQueries({ queryKey: readinessQuery.queryKey })}
          >
            Check now
          </button>
        </p>
      </div>
    </section>
  );
}

/** The server's clause as a sentence. */
function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.?!]$/.test(capital) ? capital : `${capital}.`;
}
