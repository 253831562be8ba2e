import { Link, Route, Switch } from 'wouter';
import { ContainersPage } from '../features/containers/components/ContainersPage.js';
import { TerminalPage } from '../features/terminal/components/TerminalPage.js';

export function Routes() {
  return (
    <Switch>
      <Route path="/" component={ContainersPage} />
      <Route path="/containers/:id/terminal" component={TerminalPage} />
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
