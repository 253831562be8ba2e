/** The frame of every page: top bar (status, theme, user), the rail of pages, the banner. */
import { lazy, Suspense, useCallback, useMemo, useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { allows } from '../../shared/auth.js';
import { Icon } from '../components/Icon.js';
import { useLogout, type Session } from '../lib/session.js';
import { ConnectionBanner, ConnectionPill } from './ConnectionBanner.js';
import { EngineGate } from './EngineUnavailable.js';
import { ShortcutSheet, useGlobalKeys } from './Keyboard.js';
import { PAGES, type PageEntry } from './pages.js';
import { ThemeSwitch } from './ThemeSwitch.js';
import { UserMenu } from './UserMenu.js';
import styles from './shell.module.css';

const CommandPalette = lazy(() => import('./palette/CommandPalette.js'));

/** The page a location belongs to: its own href, or a section it holds (/admin/..., /crashes). */
const current = (location: string, { href, sections = [] }: PageEntry) =>
  [href, ...sections].some(
    (base) => location === base || (base !== '/' && location.startsWith(`/${base.split('/')[1]}/`)),
  );

export function Shell({ session, children }: { session: Session; children: ReactNode }) {
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  // The palette's code loads the first time it is opened, and stays mounted after.
  const [palette, setPalette] = useState<'never' | 'open' | 'closed'>('never');
  const [sheetOpen, setSheetOpen] = useState(false);
  const logout = useLogout();
  const pages = useMemo(
    () => PAGES.filter((page) => page.role === undefined || allows(session.role, page.role)),
    [session.role],
  );
  const openPalette = useCallback(() => setPalette('open'), []);
  const openSheet = useCallback(() => setSheetOpen(true), []);
  useGlobalKeys({ pages, openPalette, openSheet });

  return (
    <div className={styles.shell}>
      <a className={styles.skip} href="#main">
        Skip to content
      </a>
      <header className={styles.topbar}>
        <button
          type="button"
          className={`icon-button ${styles.menuButton}`}
          aria-label="Menu"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          <Icon name="menu" />
        </button>
        <Link href="/" className={styles.brand} aria-label="Docker Web Interface: containers">
          <img src={logo} alt="" width={22} height={22} />
          <span>Docker Web Interface</span>
        </Link>
        <div className={styles.spacer} />
        <button
          type="button"
          className={styles.paletteButton}
          aria-keyshortcuts="Control+K Meta+K"
          title="Command palette"
          onClick={openPalette}
        >
          <Icon name="search" />
          <span className={styles.paletteLabel}>Search or jump to…</span>
          <kbd className={styles.paletteKeys}>Ctrl K</kbd>
        </button>
        <ConnectionPill />
        <ThemeSwitch />
        <UserMenu session={session} />
      </header>
      <nav
        id="main-nav"
        aria-label="Pages"
        className={`${styles.rail} ${menuOpen ? styles.railOpen : ''}`}
      >
        {pages.map((page) => (
          <Link
            key={page.href}
            href={page.href}
            className={styles.railLink}
            aria-current={current(location, page) ? 'page' : undefined}
            onClick={() => setMenuOpen(false)}
          >
            <Icon name={page.icon} size={20} />
            <span>{page.label}</span>
          </Link>
        ))}
      </nav>
      <main id="main" className={styles.main} tabIndex={-1}>
        <ConnectionBanner />
        <EngineGate>{children}</EngineGate>
      </main>
      {palette !== 'never' && (
        <Suspense fallback={null}>
          <CommandPalette
            open={palette === 'open'}
            role={session.role}
            pages={pages}
            onClose={() => setPalette('closed')}
            onShowShortcuts={openSheet}
            onLogout={session.via === 'session' ? () => logout.mutate() : undefined}
          />
        </Suspense>
      )}
      <ShortcutSheet open={sheetOpen} pages={pages} onClose={() => setSheetOpen(false)} />
    </div>
  );
}

const logo = new URL('../favicon.svg', import.meta.url).href;
