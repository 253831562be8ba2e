/** The admin pages (users, tokens, audit, logging, webhooks) under one heading, a tab each in the URL. */
import { Redirect, Route, Switch } from 'wouter';
import { TabbedHeader } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import { useCan } from '../../../lib/session.js';
import { AuditPanel } from './AuditPanel.js';
import { LoggingPanel } from './LoggingPanel.js';
import { TokensPanel } from './TokensPanel.js';
import { UsersPanel } from './UsersPanel.js';
import { WebhooksPanel } from './WebhooksPanel.js';

const TABS = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/tokens', label: 'API tokens' },
  { href: '/admin/audit', label: 'Audit log' },
  { href: '/admin/logging', label: 'Log levels' },
  { href: '/admin/webhooks', label: 'Webhooks' },
] as const;

export function AdminPage() {
  const admin = useCan('admin');
  if (!admin)
    return (
      <section className="empty-page">
        <h1>Admins only</h1>
        <p>Users, tokens, the audit log, log levels and webhooks are for admins.</p>
      </section>
    );
  return (
    <div className={panel.page}>
      <TabbedHeader title="Admin" label="Admin pages" tabs={TABS} />
      <Switch>
        <Route path="/admin/users" component={UsersPanel} />
        <Route path="/admin/tokens" component={TokensPanel} />
        <Route path="/admin/audit" component={AuditPanel} />
        <Route path="/admin/logging" component={LoggingPanel} />
        <Route path="/admin/webhooks" component={WebhooksPanel} />
        <Route>
          <Redirect to="/admin/users" replace />
        </Route>
      </Switch>
    </div>
  );
}

export default AdminPage;
