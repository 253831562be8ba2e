/**
 * A LogSession for the page's container, and a render counter that moves at most once an
 * animation frame however fast lines arrive (5,000 a second make one render a frame, not 50).
 */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useLive } from '../../../lib/live.js';
import type { HeldLines } from '../api/held-lines.js';
import { LogSession, type SessionState } from '../api/log-session.js';

declare global {
  interface Window {
    /** The bench's way in: feeds lines through the real worker and store. */
    __dwiLogSession?: LogSession;
  }
}

export function useLogSession(containerId: string): {
  session: LogSession;
  state: SessionState;
  revision: number;
} {
  const live = useLive();
  const [session, setSession] = useState(() => new LogSession(containerId, live?.socket ?? null));
  if (session.containerId !== containerId)
    setSession(new LogSession(containerId, live?.socket ?? null));

  useEffect(() => {
    window.__dwiLogSession = session;
    return () => {
      session.dispose();
      if (window.__dwiLogSession === session) delete window.__dwiLogSession;
    };
  }, [session]);

  const state = useSyncExternalStore(session.subscribe, session.getState);
  const revision = useRevision(session);
  return { session, state, revision };
}

/**
 * A counter that moves at most once an animation frame while the lines or the state change:
 * what a view of them re-renders on.
 */
export function useRevision(session: HeldLines): number {
  const [revision, setRevision] = useState(0);
  useEffect(() => {
    let frame: number | undefined;
    const bump = () => {
      frame ??= requestAnimationFrame(() => {
        frame = undefined;
        setRevision((r) => r + 1);
      });
    };
    const offStore = session.store.subscribe(bump);
    const offSession = session.subscribe(bump);
    return () => {
      offStore();
      offSession();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [session]);
  return revision;
}
