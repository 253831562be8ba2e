/**
 * /containers/:id/terminal: a shell (or command) in the container, for admins. The terminal
 * itself (xterm.js) loads only when an admin opens the page.
 */
import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'wouter';
import { useCan, useSession } from '../../../lib/session.js';
import styles from './terminal.module.css';

const Console = lazy(() => import('./Console.js'));

export function TerminalPage() {
  const { id = '' } = useParams<{ id: string }>();
  const session = useSession();
  const admin = useCan('admin');
  // The container's name once the engine told it (the URL may carry its id).
  const [name, setName] = useState<string | null>(null);
  const shown = name ?? id;
  const back = (
    <Link href={`/containers/${encodeURIComponent(id)}`} className={styles.back}>
      Back to {shown}
    </Link>
  );

  if (!admin)
    return (
      <section className="empty-page" aria-labelledby="terminal-title">
        <h1 id="terminal-title">Terminal</h1>
        <p role="alert" className={styles.refused}>
          The terminal is for admins only: its commands run inside the container as the
          container&apos;s user, root mostly. You are signed in as {session?.username} (
          {session?.role}).
        </p>
        <p>{back}</p>
      </section>
    );

  return (
    <section className={styles.page} aria-labelledby="terminal-title">
      <header className={styles.header}>
        <h1 id="terminal-title">
          Terminal <span className={styles.name}>{shown}</span>
        </h1>
        {back}
      </header>
      <Suspense fallback={<p className={styles.loading}>Loading the terminal…</p>}>
        <Console containerRef={id} onName={setName} />
      </Suspense>
    </section>
  );
}
