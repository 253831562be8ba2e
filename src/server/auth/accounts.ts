/**
 * Users and API tokens from the command line (`dwi user ...`, `dwi token ...`), and the first
 * admin at first start. Each command opens the store under the configured data_dir, does one
 * thing, and says what it did in one line (or a table for `list`).
 */
import { randomBytes } from 'node:crypto';
import { isRole, ROLES, USERNAME_PATTERN, USERNAME_RULE, type Role } from '../../shared/auth.js';
import { Store } from '../store/index.js';
import {
  generatePassword,
  hashPassword,
  MIN_PASSWORD_LENGTH,
  newApiToken,
  sha256,
} from './credentials.js';

export const ACCOUNT_USAGE = `usage:
  dwi user add NAME [--role viewer|operator|admin] [--password-stdin]
  dwi user passwd NAME [--password-stdin] [--keep-tokens]
  dwi user role NAME viewer|operator|admin
  dwi user list
  dwi user del NAME
  dwi token create --user NAME [--role ROLE] [--name TEXT] [--expires-in DAYS]
  dwi token list
  dwi token revoke ID
Without --password-stdin a password is generated and printed once.
A new password ends the user's sessions and revokes their API tokens: a password is changed
when it may be known to someone else, who could have made tokens with it. --keep-tokens keeps
them (a routine change). Every change ends the user's open sockets within seconds.
A token's role is at most its user's; it is printed once and stored only as a hash.
Server options that locate the database (--data-dir, -c FILE) apply as for the server.
`;

export class AccountError extends Error {}

export interface AccountCommand {
  words: string[];
  options: {
    role?: string;
    name?: string;
    user?: string;
    expiresIn?: string;
    passwordStdin: boolean;
    keepTokens: boolean;
  };
}

const VALUE_OPTIONS: Record<string, 'role' | 'name' | 'user' | 'expiresIn'> = {
  '--role': 'role',
  '--name': 'name',
  '--user': 'user',
  '--expires-in': 'expiresIn',
};

/** Splits a `user`/`token` command line into its words, its own options, and server flags. */
export function parseAccountArgs(argv: string[]): {
  command: AccountCommand;
  serverArgs: string[];
} {
  const command: AccountCommand = {
    words: [],
    options: { passwordStdin: false, keepTokens: false },
  };
  const serverArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      // Everything after is a word, whatever it starts with (a user name like "-x").
      command.words.push(...argv.slice(i + 1));
      break;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg];
    const key = VALUE_OPTIONS[flag!];
    if (key !== undefined) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new AccountError(`${flag} needs a value`);
      command.options[key] = value;
    } else if (arg === '--password-stdin') {
      command.options.passwordStdin = true;
    } else if (arg === '--keep-tokens') {
      command.options.keepTokens = true;
    } else if (arg.startsWith('-')) {
      // A server flag (--data-dir DIR, -c FILE, ...): it and its value go to the config loader.
      serverArgs.push(arg);
      if (!arg.includes('=') && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-'))
        serverArgs.push(argv[++i]!);
    } else {
      command.words.push(arg);
    }
  }
  return { command, serverArgs };
}

function roleOption(value: string | undefined, fallback: Role): Role {
  if (value === undefined) return fallback;
  if (!isRole(value)) throw new AccountError(`--role must be one of ${ROLES.join(', ')}`);
  return value;
}

async function newPassword(fromStdin: boolean, readStdin: () => Promise<string>) {
  if (!fromStdin) {
    const password = generatePassword();
    return { password, shown: password };
  }
  const password = (await readStdin()).replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AccountError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  return { password, shown: undefined };
}

/** Runs one command; resolves with what to print. */
export async function runAccountCommand(
  store: Store,
  { words, options }: AccountCommand,
  readStdin: () => Promise<string>,
): Promise<string> {
  const [kind, verb, target, ...rest] = words;
  const key = `${kind} ${verb ?? ''}`.trim();
  // Only `user role NAME ROLE` takes a word after the name.
  const extra = rest[key === 'user role' ? 1 : 0];
  if (extra !== undefined) throw new AccountError(`unexpected argument ${extra}`);
  const needName = () => {
    if (target === undefined) throw new AccountError(`${key} needs a NAME`);
    return target;
  };
  switch (key) {
    case 'user add': {
      const name = needName();
      if (!USERNAME_PATTERN.test(name)) throw new AccountError(USERNAME_RULE);
      const role = roleOption(options.role, 'viewer');
      const { password, shown } = await newPassword(options.passwordStdin, readStdin);
      if (!store.addUser(name, role, await hashPassword(password)))
        throw new AccountError(`user ${name} exists already`);
      return `added user ${name} (${role})${shown ? `; password: ${shown}` : ''}\n`;
    }
    case 'user passwd': {
      const name = needName();
      const { password, shown } = await newPassword(options.passwordStdin, readStdin);
      const { keepTokens } = options;
      if (!store.setPassword(name, await hashPassword(password), { keepTokens }))
        throw new AccountError(`no user ${name}`);
      const ended = keepTokens ? 'their sessions ended' : 'their sessions ended, tokens revoked';
      return `password of ${name} changed; ${ended}${shown ? `; password: ${shown}` : ''}\n`;
    }
    case 'user role': {
      const name = needName();
      const role = rest[0];
      if (!isRole(role)) throw new AccountError(`user role needs a role: ${ROLES.join(', ')}`);
      if (!store.setRole(name, role)) throw new AccountError(`no user ${name}`);
      return `${name} is now ${role}\n`;
    }
    case 'user list':
      return table(
        ['USER', 'ROLE', 'CREATED'],
        store.users().map((u) => [u.username, u.role, u.created_at]),
      );
    case 'user del': {
      const name = needName();
      if (!store.deleteUser(name)) throw new AccountError(`no user ${name}`);
      return `deleted user ${name}, with their sessions and tokens\n`;
    }
    case 'token create': {
      if (target !== undefined) throw new AccountError(`unexpected argument ${target}`);
      if (options.user === undefined) throw new AccountError('token create needs --user NAME');
      const user = store.user(options.user);
      if (user === undefined) throw new AccountError(`no user ${options.user}`);
      let days: number | null = null;
      if (options.expiresIn !== undefined) {
        days = Number(options.expiresIn);
        if (!(days > 0 && days <= 3650))
          throw new AccountError('--expires-in takes 0 < DAYS <= 3650');
      }
      const { id, role, expiresAt, token } = issueToken(store, user, {
        name: options.name,
        role: roleOption(options.role, user.role),
        expiresInDays: days,
      });
      return `created token ${id} (${role}, ${expiresAt === null ? 'no expiry' : `expires ${expiresAt}`}): ${token}\n`;
    }
    case 'token list':
      return table(
        ['ID', 'NAME', 'USER', 'ROLE', 'EXPIRES', 'REVOKED', 'LAST USED'],
        store
          .tokens()
          .map((t) => [
            t.id,
            t.name,
            t.username,
            t.role,
            t.expires_at ?? 'never',
            t.revoked_at ?? '-',
            t.last_used_at ?? '-',
          ]),
      );
    case 'token revoke': {
      const id = needName();
      if (!store.revokeToken(id)) throw new AccountError(`no live token ${id}`);
      return `revoked token ${id}\n`;
    }
    default:
      throw new AccountError(`unknown command: dwi ${key}\n${ACCOUNT_USAGE}`);
  }
}

/**
 * Makes an API token for `user` (the command line's and the REST route's way alike). Its role
 * is at most the user's; the secret is returned here once and stored only as its hash.
 */
export function issueToken(
  store: Store,
  user: { id: number; username: string; role: Role },
  options: { name?: string | undefined; role?: Role | undefined; expiresInDays: number | null },
): { id: string; name: string; role: Role; expiresAt: string | null; token: string } {
  const role = options.role ?? user.role;
  if (ROLES.indexOf(role) > ROLES.indexOf(user.role))
    throw new AccountError(`a token of ${user.username} can be at most ${user.role}`);
  const expiresAt =
    options.expiresInDays === null
      ? null
      : new Date(Date.now() + options.expiresInDays * 86_400_000).toISOString();
  const token = newApiToken();
  // Hex, so an id never starts with "-" and reads as a flag on `dwi token revoke ID`.
  const id = randomBytes(6).toString('hex');
  const name = options.name ?? `${user.username} token`;
  store.addToken({ id, name, tokenHash: sha256(token), userId: user.id, role, expiresAt });
  return { id, name, role, expiresAt, token };
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)));
  return (
    all
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/**
 * At start: with no user yet, creates `admin` from DWI_ADMIN_PASSWORD, or with a generated
 * password, which is returned to be shown once.
 */
export async function ensureFirstAdmin(
  store: Store,
  adminPassword: string | undefined,
): Promise<{ created: boolean; generated?: string }> {
  if (store.userCount() > 0) return { created: false };
  const password = adminPassword ?? generatePassword();
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AccountError(
      `DWI_ADMIN_PASSWORD must have at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  // Another process may have won the race: then nothing was created here.
  const created = store.addUser('admin', 'admin', await hashPassword(password));
  return created && adminPassword === undefined ? { created, generated: password } : { created };
}
