import { lazy, Suspense } from 'react';
import { Link, Route, Switch } from 'wouter';
import { ContainersPage } from '../features/containers/components/ContainersPage.js';

export function Routes() {
  return (
    <Switch>
      <Route path="/" component={ContainersPage} />
      <Route path="/containers/:ref">
        {(params) => (
          <Suspense fallback={<p className="empty-page">Loading…</p>}>
            <ContainerPage params={params} />
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

// Pages other than the home page load when first opened: the first paint stays small.
const ContainerPage = lazy(() =>
  import('../features/container/components/ContainerPage.js').then((module) => ({
    default: module.ContainerPage,
  })),
);
