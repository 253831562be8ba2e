/**
 * What the last action on a container (by name: a rebuild changes the id) or a project did:
 * in progress, done or failed, with the server's request id. It stays on the row until
 * dismissed or replaced; nothing vanishes by itself.
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

function set(key: string, outcome: Outcome | undefined): void {
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

export const dismissOutcome = (key: string) => set(key, undefined);

export const outcomeOf = (key: string): Outcome | undefined => outcomes.get(key);

/** Runs an action, keeping its progress and its result under `key`. */
export async function track(
  key: string,
  doing: string,
  run: (progress: (step: string) => void) => Promise<{ message: string; requestId: string | null }>,
): Promise<void> {
  set(key, { state: 'pending', message: `${doing}…`, requestId: null, at: Date.now() });
  try {
    const { message, requestId } = await run((step) =>
      set(key, { state: 'pending', message: `${doing}: ${step}`, requestId: null, at: Date.now() }),
    );
    set(key, { state: 'success', message, requestId, at: Date.now() });
  } catch (err) {
    const failure = err instanceof ApiFailure ? err : undefined;
    set(key, {
      state: 'error',
      message: failure?.message ?? (err as Error).message,
      requestId: failure?.requestId ?? null,
      at: Date.now(),
    });
  }
}
