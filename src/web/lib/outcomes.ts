/**
 * What the last action on a container (by name: a rebuild changes the id), a project
 * (`project:<name>`) or an image (`image:<id>`) did: in progress, done or failed, with the
 * server's request id. It stays on the row until dismissed or replaced; nothing vanishes by
 * itself. A store outside React, so a row scrolled out of a virtual table and back still shows it.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { ApiFailure } from './api.js';

export interface Outcome {
  state: 'pending' | 'success' | 'error';
  /** What is happening or happened, in words. */
  message: string;
  requestId: string | null;
  at: number;
}

const outcomes = new Map<string, Outcome>();
const listeners = new Set<() => void>();

export function setOutcome(key: string, outcome: Outcome | undefined): void {
  if (outcome === undefined) outcomes.delete(key);
  else outcomes.set(key, outcome);
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export function useOutcome(key: string): Outcome | undefined {
  return useSyncExternalStore(
    subscribe,
    useCallback(() => outcomes.get(key), [key]),
  );
}

export const dismissOutcome = (key: string) => setOutcome(key, undefined);

export const outcomeOf = (key: string): Outcome | undefined => outcomes.get(key);

/** Runs an action, keeping its progress and its result under `key`. */
export async function track(
  key: string,
  doing: string,
  run: (progress: (step: string) => void) => Promise<{ message: string; requestId: string | null }>,
): Promise<void> {
  setOutcome(key, { state: 'pending', message: `${doing}…`, requestId: null, at: Date.now() });
  try {
    const { message, requestId } = await run((step) =>
      setOutcome(key, {
        state: 'pending',
        message: `${doing}: ${step}`,
        requestId: null,
        at: Date.now(),
      }),
    );
    setOutcome(key, { state: 'success', message, requestId, at: Date.now() });
  } catch (err) {
    const failure = err instanceof ApiFailure ? err : undefined;
    setOutcome(key, {
      state: 'error',
      message: failure?.message ?? (err as Error).message,
      requestId: failure?.requestId ?? null,
      at: Date.now(),
    });
  }
}
