/**
 * Who is logged in, as a query: `GET /api/auth/me` answers with the principal (and, for a cookie
 * session, its CSRF token); a 401 means nobody (null). Logging in and out update it, and any
 * 401 from the API ends it, so the app shows the login form on the page the user was on.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiData, LoginRequest } from '../../shared/api.js';
import { allows, type Role } from '../../shared/auth.js';
import { ApiFailure, call, setCsrfToken } from './api.js';

export type Session = ApiData<'getMe'>;

export const sessionQuery = queryOptions({
  queryKey: ['session'],
  queryFn: async (): Promise<Session | null> => {
    try {
      const me = await call('getMe');
      setCsrfToken(me.csrf_token);
      return me;
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) return null;
      throw err;
    }
  },
  staleTime: Infinity,
});

export function useSession(): Session | null | undefined {
  return useQuery(sessionQuery).data;
}

/** Whether the session's role may do what `needed` allows. */
export function useCan(needed: Role): boolean {
  const session = useSession();
  return session != null && allows(session.role, needed);
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: LoginRequest) => call('login', { body: credentials }),
    onSuccess: (session) => {
      setCsrfToken(session.csrf_token);
      const next: Session = { ...session, via: 'session' };
      queryClient.setQueryData(sessionQuery.queryKey, next);
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call('logout'),
    onSettled: () => endSession(queryClient),
  });
}

/** Forgets everything the session could see; the login form shows next. */
export function endSession(queryClient: ReturnType<typeof useQueryClient>): void {
  setCsrfToken(undefined);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'session' });
  queryClient.setQueryData(sessionQuery.queryKey, null);
}
