/** The controls the container's viewer and the merged logs share. */
import { useId, type RefObject } from 'react';
import { Icon } from '../../../components/Icon.js';
import type { ViewerOptions } from '../hooks/use-viewer-options.js';
import type { StreamFilter } from '../lib/view.js';
import styles from './logs.module.css';

/** The key that does it, for the button's title: " (f)". */
const shortcut = (key: string | undefined) => (key === undefined ? '' : ` (${key})`);

export function FollowButton({
  following,
  setFollowing,
  shortcutKey,
}: {
  following: boolean;
  setFollowing: (follow: boolean) => void;
  shortcutKey?: string;
}) {
  return (
    <button
      type="button"
      className="button small"
      aria-pressed={following}
      onClick={() => setFollowing(!following)}
      title={`Follow new lines${shortcut(shortcutKey)}`}
    >
      {following ? 'Following' : 'Follow'}
    </button>
  );
}

/** The filter over the lines in the page; Escape empties it. */
export function FilterInput({
  label,
  placeholder,
  value,
  onChange,
  inputRef,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  inputRef?: RefObject<HTMLInputElement | null>;
}) {
  return (
    <div className={styles.filter}>
      <Icon name="search" className={styles.filterIcon} />
      <input
        ref={inputRef}
        type="search"
        className="input"
        aria-label={label}
        placeholder={placeholder}
        value={value}
        maxLength={500}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && value !== '') {
            event.preventDefault();
            onChange('');
          }
        }}
      />
    </div>
  );
}

const STREAMS: Array<{ value: StreamFilter; label: string; title: string }> = [
  { value: 'all', label: 'All', title: 'Lines of both streams' },
  { value: 'stdout', label: 'stdout', title: 'Only lines written to standard output' },
  { value: 'stderr', label: 'stderr', title: 'Only lines written to standard error' },
];

export function StreamChoice({ options }: { options: ViewerOptions }) {
  const labelId = useId();
  return (
    <div className={styles.field}>
      <span id={labelId}>Stream</span>
      <div className={styles.segmented} role="group" aria-labelledby={labelId}>
        {STREAMS.map(({ value, label, title }) => (
          <button
            key={value}
            type="button"
            className="button small"
            aria-pressed={options.stream === value}
            title={title}
            onClick={() => options.setStream(value)}
          >
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}

export function WrapButton({
  options,
  shortcutKey,
}: {
  options: ViewerOptions;
  shortcutKey?: string;
}) {
  return (
    <button
      type="button"
      className="button small"
      aria-pressed={options.wrap}
      onClick={() => options.setWrap(!options.wrap)}
      title={`Wrap long lines${shortcut(shortcutKey)}`}
    >
      Wrap
    </button>
  );
}
