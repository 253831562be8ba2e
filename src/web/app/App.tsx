/** The composition root: the query client, the session gate, the live connection, the pages. */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { LoginPage } from '../features/auth/components/LoginPage.js';
import { onUnauthorized } from '../lib/api.js';
import { endSession, sessionQuery } from '../lib/session.js';
import { LiveProvider } from './live.js';
import { Routes } from './routes.js';
import { Shell } from './Shell.js';

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // State arrives over the socket; nothing is refetched behind the user's back.
        refetchOnWindowFocus: false,
        retry: (count, error) => count < 2 && (error as { status?: number }).status === 0,
      },
    },
  });
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <SessionGate client={queryClient} />
    </QueryClientProvider>
  );
}

/** The login form in place of the page while nobody is logged in; the URL stays as it was. */
function SessionGate({ client }: { client: QueryClient }) {
  const session = useQuery(sessionQuery);
  // A session that ended under the user (expired, revoked), as opposed to never started.
  const [expired, setExpired] = useState(false);
  useEffect(
    () =>
      onUnauthorized(() => {
        if (client.getQueryData(sessionQuery.queryKey)) setExpired(true);
        endSession(client);
      }),
    [client],
  );

  if (session.isPending) return <div className="visually-hidden">Loading…</div>;
  if (session.isError)
    return (
      <div role="alert" className="boot-error">
        The server did not answer: {session.error.message}
      </div>
    );
  if (session.data === null)
    return <LoginPage expired={expired} onLoggedIn={() => setExpired(false)} />;
  return (
    <LiveProvider>
      <Shell session={session.data}>
        <Routes />
      </Shell>
    </LiveProvider>
  );
}
