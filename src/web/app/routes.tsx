import { Link, Route, Switch } from 'wouter';
import { ContainersPage } from '../features/containers/components/ContainersPage.js';
import { ImagesPage } from '../features/images/components/ImagesPage.js';
import { PrunePage } from '../features/prune/components/PrunePage.js';

export function Routes() {
  return (
    <Switch>
      <Route path="/" component={ContainersPage} />
      <Route path="/images" component={ImagesPage} />
      <Route path="/prune" component={PrunePage} />
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
