/** The admin pages (users, tokens, audit, logging) under one heading, a tab each in the URL. */
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { useCan } from '../../../lib/session.js';
import { AuditPanel } from './AuditPanel.js';
import { LoggingPanel } from './LoggingPanel.js';
import { TokensPanel } from './TokensPanel.js';
import { UsersPanel } from './UsersPanel.js';
import styles from './admin.module.css';

const TABS = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/tokens', label: 'API tokens' },
  { href: '/admin/audit', label: 'Audit log' },
  { href: '/admin/logging', label: 'Log levels' },
] as const;

export function AdminPage() {
  const [location] = useLocation();
  const admin = useCan('admin');
  if (!admin)
    return (
      <section className="empty-page">
        <h1>Admins only</h1>
        <p>Users, tokens, the audit log and log levels are for admins.</p>
      </section>
    );
  return (
    <div className={styles.page}>
      <header className={styles.header}>
        <h1>Admin</h1>
        <nav aria-label="Admin pages" className={styles.tabs}>
          {TABS.map((tab) => (
            <Link
              key={tab.href}
              href={tab.href}
              className={styles.tab}
              aria-current={location === tab.href ? 'page' : undefined}
            >
              {tab.label}
            </Link>
          ))}
        </nav>
      </header>
      <Switch>
        <Route path="/admin/users" component={UsersPanel} />
        <Route path="/admin/tokens" component={TokensPanel} />
        <Route path="/admin/audit" component={AuditPanel} />
        <Route path="/admin/logging" component={LoggingPanel} />
        <Route>
          <Redirect to="/admin/users" replace />
        </Route>
      </Switch>
    </div>
  );
}

export default AdminPage;
