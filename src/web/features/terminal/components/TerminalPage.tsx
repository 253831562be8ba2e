/**
 * The terminal tab of a container's page (/containers/:ref/terminal): a shell (or command) in
 * the container, for admins. The terminal itself (xterm.js) loads only when an admin opens it.
 */
import { lazy, Suspense } from 'react';
import { useCan, useSession } from '../../../lib/session.js';
import styles from './terminal.module.css';

const Console = lazy(() => import('./Console.js'));

export function TerminalPage({ containerName }: { containerName: string }) {
  const session = useSession();
  const admin = useCan('admin');

  return (
    <section className={styles.page} aria-labelledby="terminal-title">
      <h2 id="terminal-title" className="visually-hidden">
        Terminal in {containerName}
      </h2>
      {admin ? (
        <Suspense fallback={<p className={styles.loading}>Loading the terminal…</p>}>
          <Console containerRef={containerName} />
        </Suspense>
      ) : (
        <p role="alert" className={styles.refused}>
          The terminal is for admins only: its commands run inside the container as the
          container&apos;s user, root mostly. You are signed in as {session?.username} (
          {session?.role}).
        </p>
      )}
    </section>
  );
}
