/**
 * A list page's toolbar: a filter box (Esc clears it, then leaves), then what the page adds:
 * a group of chips (`Chips`, `Chip`) and its own buttons.
 */
import type { ReactNode } from 'react';
import { Icon } from './Icon.js';
import styles from './filter-toolbar.module.css';

export function FilterToolbar({
  label,
  placeholder,
  text,
  onText,
  children,
}: {
  /** The filter box's accessible name ("Filter containers"). */
  label: string;
  placeholder: string;
  text: string;
  onText: (text: string) => void;
  children?: ReactNode;
}) {
  return (
    <div className={styles.toolbar}>
      <div className={styles.search}>
        <Icon name="search" className={styles.searchIcon} />
        <input
          type="search"
          className="input"
          aria-label={label}
          placeholder={placeholder}
          value={text}
          onChange={(event) => onText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && text !== '') {
              event.preventDefault();
              onText('');
            }
          }}
        />
      </div>
      {children}
    </div>
  );
}

/** Toggle buttons that narrow the list, as a labelled group. */
export function Chips({
  label,
  oneLineWhenNarrow = false,
  children,
}: {
  label: string;
  /** At 390 px: one line that scrolls sideways, rather than several lines of chips. */
  oneLineWhenNarrow?: boolean;
  children: ReactNode;
}) {
  return (
    <div
      className={`${styles.chips} ${oneLineWhenNarrow ? styles.oneLine : ''}`}
      role="group"
      aria-label={label}
    >
      {children}
    </div>
  );
}

export function Chip({
  pressed,
  onToggle,
  children,
}: {
  pressed: boolean;
  onToggle: () => void;
  children: ReactNode;
}) {
  return (
    <button type="button" className={styles.chip} aria-pressed={pressed} onClick={onToggle}>
      {children}
    </button>
  );
}
