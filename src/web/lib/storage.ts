/** UI state remembered across reloads, in localStorage under `dwi.<key>`. */
import { useCallback, useState } from 'react';

export function readStored<T>(key: string, fallback: T, valid: (value: unknown) => boolean): T {
  try {
    const raw = localStorage.getItem(`dwi.${key}`);
    if (raw === null) return fallback;
    const value: unknown = JSON.parse(raw);
    return valid(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    localStorage.setItem(`dwi.${key}`, JSON.stringify(value));
  } catch {
    // Full or forbidden storage: the state lasts for this page only.
  }
}

/** useState that starts from, and writes to, localStorage. */
export function usePersistentState<T>(
  key: string,
  fallback: T,
  valid: (value: unknown) => boolean,
): [T, (next: T | ((previous: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => readStored(key, fallback, valid));
  const set = useCallback(
    (next: T | ((previous: T) => T)) =>
      setValue((previous) => {
        const resolved = typeof next === 'function' ? (next as (previous: T) => T)(previous) : next;
        writeStored(key, resolved);
        return resolved;
      }),
    [key],
  );
  return [value, set];
}
