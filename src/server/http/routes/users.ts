/**
 * Users and API tokens over REST, for admins: what `dwi user ...` and `dwi token ...` do on the
 * command line, through the same store methods, so a change ends the user's open sockets in
 * every worker the same way (the store's credentials revision, realtime/revalidate.ts).
 * Every change is audited with what it did, never with a password or a token's secret.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import {
  AddUserRequestSchema,
  CreateTokenRequestSchema,
  ResetPasswordRequestSchema,
  SetRoleRequestSchema,
} from '../../../shared/users.js';
import type { Role } from '../../../shared/auth.js';
import { AccountError, issueToken } from '../../auth/accounts.js';
import { generatePassword, hashPassword } from '../../auth/credentials.js';
import type { GuardedChange, Store } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { operation, requestSchema } from '../openapi.js';

const userParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const tokenParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** What each change did, for its audit row's detail (set by the handler, read by the audit). */
const auditDetails = new WeakMap<FastifyRequest, string>();
const auditDetail = (request: FastifyRequest) => auditDetails.get(request);

export const userRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  const admin = { access: 'admin', auditWhen: auditDetail } as const;

  /** The user a request names, or a 404. */
  const existing = (name: string) => {
    const user = store.user(name);
    if (user === undefined) throw new ApiError('not_found', `no user ${name}`);
    return user;
  };

  /** Refuses a change of one's own account that would lock oneself out. */
  const notYourself = (request: FastifyRequest, username: string, what: string) => {
    if (request.identity?.principal.username === username)
      throw new ApiError('bad_request', `you cannot ${what} yourself: ask another admin`);
  };

  const guarded = (result: GuardedChange, name: string, what: string) => {
    if (result === 'no_user') throw new ApiError('not_found', `no user ${name}`);
    if (result === 'last_admin')
      throw new ApiError(
        'conflict',
        `${name} is the last admin: make another user admin before you ${what} them`,
      );
  };

  app.get(
    '/api/users',
    { config: { access: 'admin' }, schema: operation('listUsers') },
    async (): Promise<ApiReply<'listUsers'>> => ({
      status: 'success',
      data: store.users().map(({ username, role, created_at, tokens }) => ({
        username,
        role,
        created_at,
        tokens,
      })),
    }),
  );

  app.post(
    '/api/users',
    {
      config: admin,
      schema: { ...operation('addUser'), body: requestSchema(AddUserRequestSchema) },
    },
    async (request): Promise<ApiReply<'addUser'>> => {
      const body = request.body as { username: string; role?: Role; password?: string };
      const role = body.role ?? 'viewer';
      const generated = body.password === undefined ? generatePassword() : undefined;
      auditDetails.set(
        request,
        `add ${body.username} (${role})${generated ? ', password generated' : ''}`,
      );
      if (!store.addUser(body.username, role, await hashPassword(body.password ?? generated!)))
        throw new ApiError('conflict', `user ${body.username} exists already`);
      return {
        status: 'success',
        data: { username: body.username, role, ...(generated ? { password: generated } : {}) },
      };
    },
  );

  app.put(
    '/api/users/:name/role',
    {
      config: admin,
      schema: {
        ...operation('setUserRole'),
        params: userParams,
        body: requestSchema(SetRoleRequestSchema),
      },
    },
    async (request): Promise<ApiReply<'setUserRole'>> => {
      const { role } = request.body as { role: Role };
      const user = existing((request.params as { name: string }).name);
      auditDetails.set(request, `role ${user.role} -> ${role}`);
      if (user.role !== role) notYourself(request, user.username, 'change the role of');
      guarded(store.setRoleKeepingAnAdmin(user.username, role), user.username, 'demote');
      return { status: 'success', data: { username: user.username, role } };
    },
  );

  app.post(
    '/api/users/:name/password',
    {
      config: admin,
      schema: {
        ...operation('resetUserPassword'),
        params: userParams,
        body: requestSchema(ResetPasswordRequestSchema),
      },
    },
    async (request): Promise<ApiReply<'resetUserPassword'>> => {
      const body = (request.body ?? {}) as { password?: string; keep_tokens?: boolean };
      const keepTokens = body.keep_tokens ?? false;
      const user = existing((request.params as { name: string }).name);
      const generated = body.password === undefined ? generatePassword() : undefined;
      const hash = await hashPassword(body.password ?? generated!);
      // Deleted while the password was hashed: a 404 like any other.
      if (!store.setPassword(user.username, hash, { keepTokens }))
        throw new ApiError('not_found', `no user ${user.username}`);
      auditDetails.set(
        request,
        `password ${generated ? 'generated' : 'set'}; sessions ended, tokens ${keepTokens ? 'kept' : 'revoked'}`,
      );
      return {
        status: 'success',
        data: {
          username: user.username,
          tokens_revoked: !keepTokens,
          ...(generated ? { password: generated } : {}),
        },
      };
    },
  );

  app.delete(
    '/api/users/:name',
    { config: admin, schema: { ...operation('deleteUser'), params: userParams } },
    async (request): Promise<ApiReply<'deleteUser'>> => {
      const user = existing((request.params as { name: string }).name);
      notYourself(request, user.username, 'delete');
      guarded(store.deleteUserKeepingAnAdmin(user.username), user.username, 'delete');
      return {
        status: 'success',
        data: {
          username: user.username,
          message: `deleted user ${user.username}, with their sessions and tokens`,
        },
      };
    },
  );

  app.get(
    '/api/tokens',
    { config: { access: 'admin' }, schema: operation('listTokens') },
    async (): Promise<ApiReply<'listTokens'>> => ({ status: 'success', data: store.tokens() }),
  );

  app.post(
    '/api/tokens',
    {
      config: admin,
      schema: { ...operation('createToken'), body: requestSchema(CreateTokenRequestSchema) },
    },
    async (request): Promise<ApiReply<'createToken'>> => {
      const body = request.body as {
        name?: string;
        username?: string;
        role?: Role;
        expires_in_days?: number | null;
      };
      // Under `auth none` nobody is a user: the owner must be named.
      const owner = body.username ?? request.identity?.principal.username;
      const user = owner === undefined ? undefined : store.user(owner);
      if (user === undefined)
        throw new ApiError('not_found', `no user ${owner ?? '(name one in username)'}`);
      let issued;
      try {
        issued = issueToken(store, user, {
          name: body.name,
          role: body.role,
          expiresInDays: body.expires_in_days ?? null,
        });
      } catch (err) {
        if (err instanceof AccountError) throw new ApiError('bad_request', err.message);
        throw err;
      }
      auditDetails.set(
        request,
        `token ${issued.id} for ${user.username} (${issued.role}, ${issued.expiresAt === null ? 'no expiry' : `expires ${issued.expiresAt}`})`,
      );
      return { status: 'success', data: { ...store.token(issued.id)!, token: issued.token } };
    },
  );

  app.delete(
    '/api/tokens/:id',
    { config: admin, schema: { ...operation('revokeToken'), params: tokenParams } },
    async (request): Promise<ApiReply<'revokeToken'>> => {
      const { id } = request.params as { id: string };
      if (!store.revokeToken(id)) {
        const token = store.token(id);
        if (token === undefined) throw new ApiError('not_found', `no token ${id}`);
        throw new ApiError('conflict', `token ${id} was revoked already (${token.revoked_at})`);
      }
      return { status: 'success', data: { id, message: `revoked token ${id}` } };
    },
  );
};
