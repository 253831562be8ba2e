/**
 * A container's inspect answer: masked as the server sends it, or (admins, audited) with its
 * secrets, asked for only when the admin says so and not kept once the page is left.
 */
import { queryOptions } from '@tanstack/react-query';
import { call } from '../../../lib/api.js';

export const inspectKey = (ref: string) => ['container', ref, 'inspect'] as const;

export function inspectQuery(ref: string, secrets: boolean) {
  return queryOptions({
    queryKey: [...inspectKey(ref), secrets ? 'revealed' : 'masked'],
    queryFn: ({ signal }) =>
      call('inspectContainer', {
        params: { id: ref },
        query: secrets ? { secrets: 'show' } : {},
        signal,
      }),
    staleTime: Infinity,
    gcTime: secrets ? 0 : 5 * 60_000,
    refetchOnWindowFocus: false,
    retry: false,
  });
}
