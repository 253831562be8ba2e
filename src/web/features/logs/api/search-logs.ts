/**
 * Search over the whole log, on the server (bounded in lines, bytes and time per request):
 * each page of matches says where to continue, so "search further" reads on from there.
 */
import { useState } from 'react';
import type { LogMatch } from '../../../../shared/api.js';
import { ApiFailure, call } from '../../../lib/api.js';

const MATCHES_PER_PAGE = 200;
/** Lines shown before and after each match. */
const CONTEXT_LINES = 2;

export interface SearchState {
  q: string;
  regex: boolean;
  matches: LogMatch[];
  scanned: number;
  /** Where to continue (null: the log was read to its end). */
  cursor: string | null;
  stopped: 'matches' | 'lines' | 'bytes' | 'time' | null;
  loading: boolean;
  error: { message: string; requestId: string | null } | null;
}

const IDLE: SearchState = {
  q: '',
  regex: false,
  matches: [],
  scanned: 0,
  cursor: null,
  stopped: null,
  loading: false,
  error: null,
};

export function useLogSearch(containerId: string) {
  const [state, setState] = useState<SearchState>(IDLE);

  const run = async (q: string, regex: boolean, since?: string) => {
    setState((previous) => ({
      ...(since === undefined ? { ...IDLE, q, regex } : previous),
      loading: true,
      error: null,
    }));
    try {
      const page = await call('searchContainerLogs', {
        params: { id: containerId },
        query: { q, regex, limit: MATCHES_PER_PAGE, context: CONTEXT_LINES, since },
      });
      setState((previous) => ({
        ...previous,
        matches: since === undefined ? page.matches : [...previous.matches, ...page.matches],
        scanned: (since === undefined ? 0 : previous.scanned) + page.scanned,
        cursor: page.cursor,
        stopped: page.stopped,
        loading: false,
      }));
    } catch (err) {
      setState((previous) => ({
        ...previous,
        loading: false,
        error:
          err instanceof ApiFailure
            ? { message: err.message, requestId: err.requestId }
            : { message: (err as Error).message, requestId: null },
      }));
    }
  };

  return {
    state,
    search: (q: string, regex: boolean) => run(q, regex),
    more: () => (state.cursor === null ? undefined : run(state.q, state.regex, state.cursor)),
    clear: () => setState(IDLE),
  };
}
