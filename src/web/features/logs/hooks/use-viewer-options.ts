/** The viewer's toggles, remembered across reloads (lib/storage.ts). */
import { usePersistentState } from '../../../lib/storage.js';
import type { LevelFilter, StreamFilter } from '../lib/view.js';

export type TimestampMode = 'off' | 'local' | 'utc';

const oneOf =
  <T extends string>(...values: T[]) =>
  (value: unknown): boolean =>
    values.includes(value as T);
const isBoolean = (value: unknown) => typeof value === 'boolean';

export function useViewerOptions() {
  const [timestamps, setTimestamps] = usePersistentState<TimestampMode>(
    'logs.timestamps',
    'local',
    oneOf('off', 'local', 'utc'),
  );
  const [wrap, setWrap] = usePersistentState('logs.wrap', false, isBoolean);
  const [level, setLevel] = usePersistentState<LevelFilter>(
    'logs.level',
    'all',
    oneOf('all', 'warn', 'error'),
  );
  const [stream, setStream] = usePersistentState<StreamFilter>(
    'logs.stream',
    'all',
    oneOf('all', 'stdout', 'stderr'),
  );
  const [filter, setFilter] = usePersistentState(
    'logs.filter',
    '',
    (value) => typeof value === 'string' && value.length <= 500,
  );
  return {
    timestamps,
    setTimestamps,
    wrap,
    setWrap,
    level,
    setLevel,
    stream,
    setStream,
    filter,
    setFilter,
  };
}

export type ViewerOptions = ReturnType<typeof useViewerOptions>;
