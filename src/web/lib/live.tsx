/**
 * The page's live connection as React context: the app opens one per session (app/live.tsx);
 * features and the banner read it here.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { LiveConnection, SocketStatus } from './socket.js';

export const LiveContext = createContext<LiveConnection | null>(null);

export function useLive(): LiveConnection | null {
  return useContext(LiveContext);
}

const CONNECTING: SocketStatus = { state: 'connecting' };
const noSubscription = () => () => {};

export function useSocketStatus(): SocketStatus {
  const live = useLive();
  return useSyncExternalStore(live?.subscribe ?? noSubscription, () => live?.status ?? CONNECTING);
}
