/**
 * One live connection per session: opened when the shell mounts, closed when it goes (logout,
 * expiry). Each feature's socket events are bound here, into the query cache.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { bindAuditEvents } from '../features/admin/api/audit.js';
import { bindTimelineEvents } from '../features/history/api/timeline.js';
import { bindImageUsage } from '../features/images/api/usage.js';
import { bindContainerEvents } from '../lib/containers.js';
import { bindCrashEvents } from '../lib/crashes.js';
import { LiveContext } from '../lib/live.js';
import { readinessQuery } from '../lib/readiness.js';
import { sessionQuery } from '../lib/session.js';
import { LiveConnection } from '../lib/socket.js';

export function LiveProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [connection] = useState(() => new LiveConnection());

  useEffect(() => {
    const unbind = [
      bindContainerEvents(connection.socket, queryClient),
      bindImageUsage(connection.socket, queryClient),
      bindAuditEvents(connection.socket, queryClient),
      bindTimelineEvents(connection.socket, queryClient),
      bindCrashEvents(connection.socket, queryClient),
      connection.subscribe((status) => {
        // Back after a break: is the engine there? And a refused handshake: is the session?
        if (status.state === 'connected')
          void queryClient.invalidateQueries({ queryKey: readinessQuery.queryKey });
        if (status.state === 'unauthorized')
          void queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
      }),
    ];
    connection.open();
    return () => {
      for (const off of unbind) off();
      connection.close();
    };
  }, [connection, queryClient]);

  return <LiveContext value={connection}>{children}</LiveContext>;
}
