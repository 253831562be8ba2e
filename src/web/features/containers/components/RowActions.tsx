/**
 * A row's actions: the main one as a button, the rest in a "More" popover (the native popover:
 * Esc and a click outside close it).
 */
import { useId, useRef } from 'react';
import type { ContainerAction } from '../../../../shared/containers.js';
import { ActionIcon } from '../../../components/ActionIcon.js';
import { Icon } from '../../../components/Icon.js';
import { ACTION_LABELS, DESTRUCTIVE } from '../../../lib/container-actions.js';
import styles from './containers.module.css';

export function RowActions({
  name,
  actions,
  busy,
  onAction,
}: {
  name: string;
  actions: readonly ContainerAction[];
  busy: boolean;
  onAction: (action: ContainerAction) => void;
}) {
  const id = useId();
  const menu = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  if (actions.length === 0) return null;
  const [main, ...more] = actions as [ContainerAction, ...ContainerAction[]];

  // The popover sits in the top layer: put it under its button, inside the window.
  const place = () => {
    const button = trigger.current?.getBoundingClientRect();
    const element = menu.current;
    if (!button || !element) return;
    const width = element.offsetWidth || 160;
    const height = element.offsetHeight || 0;
    const below = button.bottom + 4 + height <= window.innerHeight;
    element.style.left = `${Math.max(8, Math.min(button.right - width, window.innerWidth - width - 8))}px`;
    element.style.top = `${below ? button.bottom + 4 : Math.max(8, button.top - height - 4)}px`;
  };

  return (
    <>
      <button
        type="button"
        className={`icon-button ${styles.mainAction}`}
        aria-label={`${ACTION_LABELS[main].verb} ${name}`}
        title={ACTION_LABELS[main].verb}
        disabled={busy}
        onClick={() => onAction(main)}
      >
        <ActionIcon action={main} />
      </button>
      {more.length > 0 && (
        <>
          <button
            ref={trigger}
            type="button"
            className="icon-button"
            popoverTarget={id}
            aria-label={`More actions for ${name}`}
            title="More actions"
            disabled={busy}
          >
            <Icon name="more" />
          </button>
          <div
            ref={menu}
            id={id}
            popover="auto"
            className={styles.menu}
            onToggle={(event) => {
              if ((event as unknown as ToggleEvent).newState === 'open') {
                place();
                menu.current?.querySelector('button')?.focus();
              }
            }}
          >
            {more.map((action) => (
              <button
                key={action}
                type="button"
                className={`${styles.menuItem} ${DESTRUCTIVE.has(action) ? styles.menuDanger : ''}`}
                aria-label={`${ACTION_LABELS[action].verb} ${name}`}
                onClick={() => {
                  menu.current?.hidePopover();
                  onAction(action);
                }}
              >
                <ActionIcon action={action} />
                {ACTION_LABELS[action].verb}
                {DESTRUCTIVE.has(action) ? '…' : ''}
              </button>
            ))}
          </div>
        </>
      )}
    </>
  );
}
