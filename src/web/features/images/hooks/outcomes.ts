/**
 * What the last delete of an image did, kept by image id until dismissed: in progress, done or
 * failed, with the server's request id. A store outside React, so a row scrolled out of the
 * virtual table and back still shows it.
 */
import { useCallback, useSyncExternalStore } from 'react';

export interface Outcome {
  state: 'pending' | 'success' | 'error';
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

export const outcomeOf = (key: string): Outcome | undefined => outcomes.get(key);

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
