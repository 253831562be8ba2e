/** Users and API tokens: one-off reads, and the admin's changes (each refetches what it changed). */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role } from '../../../../shared/auth.js';
import type { AddUserRequest, CreateTokenRequest } from '../../../../shared/users.js';
import { callForReply, call } from '../../../lib/api.js';

export const usersQuery = queryOptions({
  queryKey: ['admin', 'users'],
  queryFn: ({ signal }) => call('listUsers', { signal }),
  staleTime: Infinity,
});

export const tokensQuery = queryOptions({
  queryKey: ['admin', 'tokens'],
  queryFn: ({ signal }) => call('listTokens', { signal }),
  staleTime: Infinity,
});

export const useUsers = () => useQuery(usersQuery);
export const useTokens = () => useQuery(tokensQuery);

/** A change that touches users and tokens: both lists are read again once it is done. */
function useAccountChange<A, R>(run: (args: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin'], exact: false }),
  });
}

export const useAddUser = () =>
  useAccountChange((body: AddUserRequest) => callForReply('addUser', { body }));

export const useSetRole = () =>
  useAccountChange(({ name, role }: { name: string; role: Role }) =>
    callForReply('setUserRole', { params: { name }, body: { role } }),
  );

export const useResetPassword = () =>
  useAccountChange(({ name, keepTokens }: { name: string; keepTokens: boolean }) =>
    callForReply('resetUserPassword', { params: { name }, body: { keep_tokens: keepTokens } }),
  );

export const useDeleteUser = () =>
  useAccountChange((name: string) => callForReply('deleteUser', { params: { name } }));

export const useCreateToken = () =>
  useAccountChange((body: CreateTokenRequest) => callForReply('createToken', { body }));

export const useRevokeToken = () =>
  useAccountChange((id: string) => callForReply('revokeToken', { params: { id } }));
