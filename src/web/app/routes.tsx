import { lazy, Suspense } from 'react';
import { Link, Route, Switch } from 'wouter';
import { ContainersPage } from '../features/containers/components/ContainersPage.js';
import { ImagesPage } from '../features/images/components/ImagesPage.js';
import { PrunePage } from '../features/prune/components/PrunePage.js';
import { TerminalPage } from '../features/terminal/components/TerminalPage.js';

// Admins only, and rarely: loaded when first opened, outside the initial JavaScript.
const AdminPage = lazy(() => import('../features/admin/components/AdminPage.js'));

// The log viewer (its worker, virtual list, ANSI parser) loads only when opened.
const LogsPage = lazy(() =>
  import('../features/logs/components/LogsPage.js').then((m) => ({ default: m.LogsPage })),
);

// A compose project's page, with its merged logs (the viewer's parts): loaded when opened.
const ProjectRoute = lazy(() => import('./ProjectRoute.js'));

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
      <Route path="/containers/:id/terminal" component={TerminalPage} />
      <Route path="/projects/:name">
        {(params) => (
          <Suspense fallback={<p className="empty-page">Loading…</p>}>
            <ProjectRoute name={decodeURIComponent(params.name)} />
          </Suspense>
        )}
      </Route>
      <Route path="/images" component={ImagesPage} />
      <Route path="/prune" component={PrunePage} />
      <Route path="/admin" component={LazyAdminPage} />
      <Route path="/admin/*" component={LazyAdminPage} />
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

function LazyAdminPage() {
  return (
    <Suspense fallback={<p aria-busy="true">Loading…</p>}>
      <AdminPage />
    </Suspense>
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
