import { lazy, Suspense, type ReactNode } from 'react';
import { Link, Route, Switch } from 'wouter';
import type { Container } from '../../shared/containers.js';
import { isContainerTab, type ContainerTab } from '../features/container/lib/tabs.js';
import { ContainersPage } from '../features/containers/components/ContainersPage.js';
import { ImagesPage } from '../features/images/components/ImagesPage.js';
import { PrunePage } from '../features/prune/components/PrunePage.js';
import { TerminalPage } from '../features/terminal/components/TerminalPage.js';

// Admins only, and rarely: loaded when first opened, outside the initial JavaScript.
const AdminPage = lazy(() => import('../features/admin/components/AdminPage.js'));

// Pages other than the home page load when first opened: the first paint stays small.
const ContainerFrame = lazy(() =>
  import('../features/container/components/ContainerFrame.js').then((m) => ({
    default: m.ContainerFrame,
  })),
);
const OverviewTab = lazy(() =>
  import('../features/container/components/OverviewTab.js').then((m) => ({
    default: m.OverviewTab,
  })),
);

// The log viewer (its worker, virtual list, ANSI parser) loads only when opened.
const LogsPage = lazy(() =>
  import('../features/logs/components/LogsPage.js').then((m) => ({ default: m.LogsPage })),
);

// The timeline and the crash reports: loaded when first opened.
const TimelinePage = lazy(() =>
  import('../features/history/components/TimelinePage.js').then((m) => ({
    default: m.TimelinePage,
  })),
);
const CrashesPage = lazy(() =>
  import('../features/history/components/CrashesPage.js').then((m) => ({
    default: m.CrashesPage,
  })),
);
const CrashRoute = lazy(() => import('./CrashRoute.js'));

// A compose project's page, with its merged logs (the viewer's parts): loaded when opened.
const ProjectRoute = lazy(() => import('./ProjectRoute.js'));

export function Routes() {
  return (
    <Switch>
      <Route path="/" component={ContainersPage} />
      <Route path="/projects/:name">
        {(params) => (
          <Suspense fallback={<p className="empty-page">Loading…</p>}>
            <ProjectRoute name={decodeURIComponent(params.name)} />
          </Suspense>
        )}
      </Route>
      <Route path="/images" component={ImagesPage} />
      <Route path="/timeline">
        <Lazy>
          <TimelinePage />
        </Lazy>
      </Route>
      <Route path="/crashes">
        <Lazy>
          <CrashesPage />
        </Lazy>
      </Route>
      <Route path="/crashes/:id">
        {({ id }) =>
          /^[1-9]\d{0,15}$/.test(id) ? (
            <Lazy>
              <CrashRoute id={Number(id)} />
            </Lazy>
          ) : (
            <NotFound />
          )
        }
      </Route>
      <Route path="/prune" component={PrunePage} />
      <Route path="/admin" component={LazyAdminPage} />
      <Route path="/admin/*" component={LazyAdminPage} />
      <Route path="/containers/:ref/:tab?">
        {({ ref, tab = 'overview' }) =>
          isContainerTab(tab) ? <ContainerRoute containerRef={ref} tab={tab} /> : <NotFound />
        }
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

/**
 * A container's page: one frame (header, actions, tabs) around the tab's content, so the
 * header stays as the tabs change and the content alone loads.
 */
function ContainerRoute({ containerRef, tab }: { containerRef: string; tab: ContainerTab }) {
  return (
    <Suspense fallback={<p className="empty-page">Loading…</p>}>
      <ContainerFrame containerRef={containerRef} tab={tab}>
        {(container) => (
          <Suspense fallback={<p className="empty-page">Loading the {tab}…</p>}>
            <TabContent tab={tab} container={container} />
          </Suspense>
        )}
      </ContainerFrame>
    </Suspense>
  );
}

function TabContent({ tab, container }: { tab: ContainerTab; container: Container }) {
  switch (tab) {
    case 'overview':
      return <OverviewTab container={container} />;
    case 'logs':
      return <LogsPage params={{ id: container.name }} />;
    case 'terminal':
      return <TerminalPage containerName={container.name} />;
  }
}

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<p className="empty-page">Loading…</p>}>{children}</Suspense>;
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
