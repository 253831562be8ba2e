/** The filter box, the state chips and collapse/expand all. */
import { useRef } from 'react';
import { CONTAINER_STATES, type ContainerState } from '../../../../shared/containers.js';
import { Icon } from '../../../components/Icon.js';
import type { ViewOptionsState } from '../hooks/use-view-options.js';
import type { Group } from '../lib/view.js';
import styles from './containers.module.css';

export function Toolbar({
  view,
  counts,
  groups,
}: {
  view: ViewOptionsState;
  counts: Record<ContainerState, number>;
  groups: readonly Group[];
}) {
  const input = useRef<HTMLInputElement>(null);
  const allCollapsed = groups.length > 0 && groups.every((group) => view.collapsed.has(group.key));
  return (
    <div className={styles.toolbar}>
      <div className={styles.search}>
        <Icon name="search" className={styles.searchIcon} />
        <input
          ref={input}
          type="search"
          className="input"
          aria-label="Filter containers"
          placeholder="Filter by name, image, project…"
          value={view.text}
          onChange={(event) => view.setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && view.text !== '') {
              event.preventDefault();
              view.setText('');
            }
          }}
        />
      </div>
      <div className={styles.chips} role="group" aria-label="Show states">
        {CONTAINER_STATES.map((state) => (
          <button
            key={state}
            type="button"
            className={styles.chip}
            data-state={state}
            aria-pressed={view.states.includes(state)}
            onClick={() => view.toggleState(state)}
          >
            <span className={styles.dot} data-state={state} aria-hidden="true" />
            {state}
            <span className={styles.chipCount}>{counts[state]}</span>
          </button>
        ))}
      </div>
      <button
        type="button"
        className={`button small ${styles.collapseAll}`}
        onClick={() => view.setAllCollapsed(allCollapsed ? [] : groups.map((g) => g.key))}
      >
        <Icon name={allCollapsed ? 'expand' : 'collapse'} size={14} />
        {allCollapsed ? 'Expand all' : 'Collapse all'}
      </button>
    </div>
  );
}
