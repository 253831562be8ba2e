import { Link, Route, Switch } from 'wouter';
import { lazy, Suspense } from 'react';
import { ContainersPage } from '../features/containers/components/ContainersPage.js';

// The log viewer (its worker, virtual list, ANSI parser) loads only when opened.
const LogsPage = lazy(() =>
  import('../features/logs/components/LogsPage.js').then((m) => ({ default: m.LogsPage })),
);

export function Routes() {
  return (
    <Switch>
      <Route path="/" component={ContainersPage} />
      <Route path="/containers/:id/logs">
        {(params) => (
          <Suspense fallback={null}>
            <LogsPage params={params} />
          </Suspense>
        )}
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

function NotFound() {
  return (
    <section className="empty-page">
      <h1>Nothing here</h1>
      <p>
        This page does not exist (yet). <Link href="/">Back to the containers</Link>
      </p>
    </section>
  );
}
