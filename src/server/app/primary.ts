/**
 * The application side of the primary process: the database prepared once before any worker
 * opens it, the first admin, the database's retention, metrics gathered from every worker, and
 * the relay the Socket.IO cluster adapter needs between workers.
 */
import { setupPrimary } from '@socket.io/cluster-adapter';
import { ensureFirstAdmin } from '../auth/accounts.js';
import { Store } from '../store/index.js';
import { Retention } from '../store/retention.js';
import type { PrimaryApp } from '../supervisor/app.js';

/** `adminPassword`: DWI_ADMIN_PASSWORD, for the first admin when there is no user yet. */
export function createPrimaryApp(adminPassword: string | undefined): PrimaryApp {
  // prom-client loads at the first scrape, not at every start.
  let metrics: Promise<{ collect(): Promise<string> }> | undefined;
  // The one process that purges what is past its keep.
  let retention: Retention | undefined;
  return {
    async prepare(settings, log) {
      let store: Store;
      try {
        // Opened here first, so one process migrates the schema.
        store = Store.open(settings.data_dir);
      } catch (err) {
        log.error(`cannot open the database in ${settings.data_dir}: ${(err as Error).message}`);
        return false;
      }
      try {
        const { created, generated } = await ensureFirstAdmin(store, adminPassword);
        if (generated !== undefined) {
          // Once, on stderr only, never in a log file: it is not stored anywhere else.
          process.stderr.write(
            `\n  dwi: created user "admin" with the password  ${generated}\n` +
              '  It is shown only this once. Change it with: dwi user passwd admin\n\n',
          );
        } else if (created) {
          log.info('created user "admin" with the password from DWI_ADMIN_PASSWORD');
        }
        retention = new Retention(settings, log);
        retention.start();
        return true;
      } catch (err) {
        log.error((err as Error).message);
        return false;
      } finally {
        store.close();
      }
    },
    clusterStarted: () => setupPrimary(),
    settingsChanged: (settings, log) => retention?.update(settings, log),
    collectMetrics: async () => {
      metrics ??= import('../metrics.js').then((module) => module.createClusterMetrics());
      return (await metrics).collect();
    },
  };
}
