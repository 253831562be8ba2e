/** The image table's filter, uses and sort, remembered across reloads. */
import { usePersistentState } from '../../../lib/storage.js';
import { SORT_KEYS, USES, type Sort, type SortKey, type Use } from '../lib/view.js';

export function useViewOptions() {
  const [text, setText] = usePersistentState('images.filter', '', (v) => typeof v === 'string');
  const [uses, setUses] = usePersistentState<Use[]>(
    'images.uses',
    [],
    (v) => Array.isArray(v) && v.every((use) => USES.includes(use as Use)),
  );
  const [sort, setSort] = usePersistentState<Sort>(
    'images.sort',
    { key: 'created', descending: true },
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      SORT_KEYS.includes((v as Sort).key) &&
      typeof (v as Sort).descending === 'boolean',
  );
  return {
    text,
    setText,
    uses,
    toggleUse: (use: Use) =>
      setUses((current) =>
        current.includes(use) ? current.filter((u) => u !== use) : [...current, use],
      ),
    clearUses: () => setUses([]),
    sort,
    /** The same key again flips the direction; sizes, dates and counts start largest first. */
    sortBy: (key: SortKey) =>
      setSort((current) => ({
        key,
        descending: current.key === key ? !current.descending : key !== 'tag',
      })),
  };
}

export type ViewOptionsState = ReturnType<typeof useViewOptions>;
