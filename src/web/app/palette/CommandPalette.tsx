/**
 * The command palette (Ctrl/Cmd+K): every page, container, project and quick action, found by
 * typing. cmdk does the matching and the keyboard; the native <dialog> the focus trap. Loaded
 * on first use, so it costs the first page nothing.
 */
import { Command, defaultFilter } from 'cmdk';
import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import type { Role } from '../../../shared/auth.js';
import type { PageEntry } from '../pages.js';
import { Icon } from '../../components/Icon.js';
import { THEMES, useTheme, type Theme } from '../../lib/theme.js';
import { runContainerAction } from '../../lib/run-action.js';
import { useContainers } from '../../lib/containers.js';
import { ACTION_LABELS } from '../../lib/container-actions.js';
import { actionEntries, projectPath, projectsOf } from './entries.js';
import styles from './palette.module.css';

/** Actions rank below the container they act on: Enter on a name opens it, never restarts it. */
const ACTION_RANK = 0.5;
const isActionValue = (value: string) => /^(Start|Stop|Restart|Pause|Unpause) /.test(value);
const filter = (value: string, search: string, keywords?: string[]) =>
  defaultFilter(value, search, keywords) * (isActionValue(value) ? ACTION_RANK : 1);

const THEME_NAMES: Record<Theme, string> = {
  system: 'the system theme',
  light: 'the light theme',
  dark: 'the dark theme',
};

export default function CommandPalette({
  open,
  role,
  pages,
  onClose,
  onShowShortcuts,
  onLogout,
}: {
  open: boolean;
  role: Role;
  pages: readonly PageEntry[];
  onClose: () => void;
  onShowShortcuts: () => void;
  onLogout: (() => void) | undefined;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [search, setSearch] = useState('');
  const [, navigate] = useLocation();
  const [theme, setTheme] = useTheme();
  const containers = useContainers().data ?? [];

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (open && !element.open) {
      setSearch('');
      element.showModal();
    } else if (!open && element.open) element.close();
  }, [open]);

  /** Closes first, so the focus goes back before the page changes under it. */
  const run = (effect: () => void) => () => {
    onClose();
    effect();
  };

  return (
    <dialog
      ref={dialog}
      className={styles.dialog}
      aria-label="Command palette"
      onClose={onClose}
      onClick={(event) => {
        // A click on the backdrop (the dialog itself, outside its content) closes it.
        if (event.target === dialog.current) onClose();
      }}
    >
      <Command label="Command palette" className={styles.command} filter={filter} loop>
        <div className={styles.inputRow}>
          <Icon name="search" />
          <Command.Input
            value={search}
            onValueChange={setSearch}
            placeholder="Type a container, project, page or action…"
            aria-label="Command"
            className={styles.input}
            autoFocus
          />
        </div>
        <Command.List className={styles.list}>
          <Command.Empty className={styles.empty}>Nothing matches “{search}”.</Command.Empty>
          <Command.Group heading="Containers" className={styles.group}>
            {containers.map((container) => (
              <Command.Item
                key={container.id}
                value={container.name}
                keywords={[container.image, container.project ?? '', container.state]}
                onSelect={run(() => navigate(`/containers/${encodeURIComponent(container.name)}`))}
                className={styles.item}
              >
                <span className={styles.name}>{container.name}</span>
                <span className={styles.detail}>
                  {container.state} · {container.image}
                </span>
              </Command.Item>
            ))}
          </Command.Group>
          {actionEntries(containers, search, role).length > 0 && (
            <Command.Group heading="Actions" className={styles.group}>
              {actionEntries(containers, search, role).map(({ container, action }) => (
                <Command.Item
                  key={`${action} ${container.id}`}
                  value={`${ACTION_LABELS[action].verb} ${container.name}`}
                  onSelect={run(() => void runContainerAction(container, action))}
                  className={styles.item}
                >
                  <Icon name="containers" />
                  {ACTION_LABELS[action].verb} {container.name}
                </Command.Item>
              ))}
            </Command.Group>
          )}
          <Command.Group heading="Projects" className={styles.group}>
            {projectsOf(containers).map((project) => (
              <Command.Item
                key={project}
                value={`Project ${project}`}
                onSelect={run(() => navigate(projectPath(project)))}
                className={styles.item}
              >
                <Icon name="containers" />
                Project {project}
              </Command.Item>
            ))}
          </Command.Group>
          <Command.Group heading="Pages" className={styles.group}>
            {pages.map((page) => (
              <Command.Item
                key={page.href}
                value={`Go to ${page.label}`}
                onSelect={run(() => navigate(page.href))}
                className={styles.item}
              >
                <Icon name={page.icon} />
                Go to {page.label}
                <kbd className={styles.hint}>g {page.key}</kbd>
              </Command.Item>
            ))}
          </Command.Group>
          <Command.Group heading="General" className={styles.group}>
            {THEMES.filter((option) => option !== theme).map((option) => (
              <Command.Item
                key={option}
                value={`Use ${THEME_NAMES[option]}`}
                onSelect={run(() => setTheme(option))}
                className={styles.item}
              >
                Use {THEME_NAMES[option]}
              </Command.Item>
            ))}
            <Command.Item
              value="Keyboard shortcuts"
              onSelect={run(onShowShortcuts)}
              className={styles.item}
            >
              Keyboard shortcuts <kbd className={styles.hint}>?</kbd>
            </Command.Item>
            {onLogout !== undefined && (
              <Command.Item value="Log out" onSelect={run(onLogout)} className={styles.item}>
                <Icon name="logout" />
                Log out
              </Command.Item>
            )}
          </Command.Group>
        </Command.List>
      </Command>
    </dialog>
  );
}
