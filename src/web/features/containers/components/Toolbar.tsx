/** The filter box, the state chips and collapse/expand all. */
import { CONTAINER_STATES, type ContainerState } from '../../../../shared/containers.js';
import { StateDot } from '../../../components/ContainerState.js';
import { Chip, Chips, FilterToolbar } from '../../../components/FilterToolbar.js';
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
  const allCollapsed = groups.length > 0 && groups.every((group) => view.collapsed.has(group.key));
  return (
    <FilterToolbar
      label="Filter containers"
      placeholder="Filter by name, image, project…"
      text={view.text}
      onText={view.setText}
    >
      <Chips label="Show states" oneLineWhenNarrow>
        {CONTAINER_STATES.map((state) => (
          <Chip
            key={state}
            pressed={view.states.includes(state)}
            onToggle={() => view.toggleState(state)}
          >
            <StateDot state={state} />
            {state}
            <span className={styles.chipCount}>{counts[state]}</span>
          </Chip>
        ))}
      </Chips>
      <button
        type="button"
        className={`button small ${styles.collapseAll}`}
        onClick={() => view.setAllCollapsed(allCollapsed ? [] : groups.map((g) => g.key))}
      >
        <Icon name={allCollapsed ? 'expand' : 'collapse'} size={14} />
        {allCollapsed ? 'Expand all' : 'Collapse all'}
      </button>
    </FilterToolbar>
  );
}
