/** The list's filter, state chips, sort and collapsed groups, remembered across reloads. */
import { useEffect, useMemo } from 'react';
import { useLocation, useSearch } from 'wouter';
import { CONTAINER_STATES, type ContainerState } from '../../../../shared/containers.js';
import { usePersistentState } from '../../../lib/storage.js';
import { SORT_KEYS, type Sort } from '../lib/view.js';

const isStringList = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

export function useViewOptions() {
  const [text, setText] = usePersistentState('containers.filter', '', (v) => typeof v === 'string');
  const [states, setStates] = usePersistentState<ContainerState[]>(
    'containers.states',
    [],
    (v) => isStringList(v) && (v as string[]).every((s) => CONTAINER_STATES.includes(s as never)),
  );
  const [sort, setSort] = usePersistentState<Sort>(
    'containers.sort',
    { key: 'name', descending: false },
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      SORT_KEYS.includes((v as Sort).key) &&
      typeof (v as Sort).descending === 'boolean',
  );
  const [collapsedList, setCollapsed] = usePersistentState<string[]>(
    'containers.collapsed',
    [],
    isStringList,
  );
  const collapsed = useMemo(() => new Set(collapsedList), [collapsedList]);

  // `/?q=words` (the palette's way to a project) sets the filter, then leaves the URL clean.
  const query = new URLSearchParams(useSearch()).get('q');
  const [, navigate] = useLocation();
  useEffect(() => {
    if (query === null) return;
    setText(query);
    setStates([]);
    navigate('/', { replace: true });
  }, [query, setText, setStates, navigate]);

  return {
    text,
    setText,
    states,
    toggleState: (state: ContainerState) =>
      setStates((current) =>
        current.includes(state) ? current.filter((s) => s !== state) : [...current, state],
      ),
    clearStates: () => setStates([]),
    sort,
    /** The same key again flips the direction. */
    sortBy: (key: Sort['key']) =>
      setSort((current) => ({
        key,
        descending: current.key === key ? !current.descending : false,
      })),
    collapsed,
    toggleGroup: (key: string) =>
      setCollapsed((current) =>
        current.includes(key) ? current.filter((k) => k !== key) : [...current, key],
      ),
    setAllCollapsed: (keys: string[]) => setCollapsed(keys),
  };
}

export type ViewOptionsState = ReturnType<typeof useViewOptions>;
