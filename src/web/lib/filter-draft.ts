/**
 * A filter edited as a draft and applied on demand (Apply), remembered across reloads; Clear
 * empties both. The audit log's and the timeline's filters.
 */
import { useState } from 'react';
import { usePersistentState } from './storage.js';

export function useFilterDraft<F extends { [K in keyof F]: string }>(
  key: string,
  empty: F,
  valid: (value: unknown) => boolean,
) {
  const [filter, setFilter] = usePersistentState<F>(key, empty, valid);
  const [draft, setDraft] = useState(filter);
  const set = (fields: F) => Object.values<string>(fields).some((value) => value !== '');
  return {
    /** The filter applied. */
    filter,
    draft,
    /** Whether the filter applied narrows anything. */
    filtered: set(filter),
    /** Whether Clear would change anything. */
    clearable: set(filter) || set(draft),
    field: <K extends keyof F>(name: K, value: F[K]) =>
      setDraft((current) => ({ ...current, [name]: value })),
    apply: () => setFilter(draft),
    clear: () => {
      setDraft(empty);
      setFilter(empty);
    },
  };
}
