/** The frame of every page: top bar (status, theme, user), the rail of pages, the banner. */
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { Icon, type IconName } from '../components/Icon.js';
import { allows, type Role } from '../../shared/auth.js';
import type { Session } from '../lib/session.js';
import { ConnectionBanner, ConnectionPill } from './ConnectionBanner.js';
import { ThemeSwitch } from './ThemeSwitch.js';
import { UserMenu } from './UserMenu.js';
import styles from './shell.module.css';

const PAGES: Array<{ href: string; label: string; icon: IconName; role?: Role }> = [
  { href: '/', label: 'Containers', icon: 'containers' },
  { href: '/admin/users', label: 'Admin', icon: 'admin', role: 'admin' },
];

/** The page a location belongs to: its own href, or the section it is under (/admin/...). */
const current = (location: string, href: string) =>
  location === href || (href !== '/' && location.startsWith(`/${href.split('/')[1]}/`));

export function Shell({ session, children }: { session: Session; children: ReactNode }) {
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);

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
        <ConnectionPill />
        <ThemeSwitch />
        <UserMenu session={session} />
      </header>
      <nav
        id="main-nav"
        aria-label="Pages"
        className={`${styles.rail} ${menuOpen ? styles.railOpen : ''}`}
      >
        {PAGES.filter((page) => !page.role || allows(session.role, page.role)).map((page) => (
          <Link
            key={page.href}
            href={page.href}
            className={styles.railLink}
            aria-current={current(location, page.href) ? 'page' : undefined}
            onClick={() => setMenuOpen(false)}
          >
            <Icon name={page.icon} size={20} />
            <span>{page.label}</span>
          </Link>
        ))}
      </nav>
      <main id="main" className={styles.main} tabIndex={-1}>
        <ConnectionBanner />
        {children}
      </main>
    </div>
  );
}

const logo = new URL('../favicon.svg', import.meta.url).href;
