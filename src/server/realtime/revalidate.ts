/**
 * An open socket outlives the handshake that proved who it is, so its credential is checked
 * again: on each event it sends (one indexed lookup), and every `intervalMs` for all sockets,
 * which ends those that only listen. The periodic check costs one PRAGMA while nothing
 * changed: it looks again only when the store's credentials revision moved (any process
 * committed, e.g. `dwi token revoke`, or this one changed a credential) or when a credential
 * it holds reaches its expiry. So a revocation anywhere ends the user's sockets in every worker
 * within `intervalMs`, without messages between processes.
 */
import type { Principal } from '../../shared/principal.js';
import type { Authenticator, Credential } from '../auth/authenticator.js';

export interface Checked {
  data: { principal: Principal; credential: Credential };
}

/** Who a credential proves now (undefined: nobody), without a lookup once it has expired. */
export const proves = (authenticator: Authenticator, credential: Credential, now = Date.now()) =>
  credential.expiresAt > now ? authenticator.recheck(credential) : undefined;

/**
 * Why a socket may no longer stay, given who its credential proves now; undefined while it
 * proves the same user with the same role.
 */
export function whyNotValid(
  principal: Principal,
  current: Principal | undefined,
): string | undefined {
  if (current === undefined)
    return 'Your credentials are no longer valid (logged out, revoked, expired, or the user was changed): log in again';
  if (current.username !== principal.username || current.role !== principal.role)
    return `Your role changed to ${current.role}: connect again`;
  return undefined;
}

export interface CredentialWatchOptions<S extends Checked> {
  authenticator: Authenticator;
  intervalMs: number;
  /** Every open socket of this worker. */
  sockets: () => Iterable<S>;
  /** Ends a socket, saying why. */
  revoke: (socket: S, reason: string) => void;
}

export interface CredentialWatch {
  /** Counts a newly connected socket's credential: its expiry is looked at when it comes. */
  add(credential: Credential): void;
  stop(): void;
}

/** Starts the periodic check. */
export function watchCredentials<S extends Checked>(
  options: CredentialWatchOptions<S>,
): CredentialWatch {
  const { authenticator } = options;
  let seen = authenticator.revision();
  let nextExpiry = 0;
  const check = () => {
    const now = Date.now();
    const revision = authenticator.revision();
    if (revision === seen && now < nextExpiry) return;
    seen = revision;
    nextExpiry = Infinity;
    // Many sockets share a credential (tabs, reconnections): each is looked up once.
    const verdicts = new Map<string, Principal | undefined>();
    for (const socket of options.sockets()) {
      const { credential } = socket.data;
      // Sockets still in their handshake have no credential yet.
      if (credential === undefined) continue;
      const key = `${credential.kind}:${credential.hash}`;
      if (!verdicts.has(key)) verdicts.set(key, proves(authenticator, credential, now));
      const reason = whyNotValid(socket.data.principal, verdicts.get(key));
      if (reason !== undefined) options.revoke(socket, reason);
      else nextExpiry = Math.min(nextExpiry, credential.expiresAt);
    }
  };
  const timer = setInterval(check, options.intervalMs).unref();
  return {
    // Without this a socket connected after the last full check, while nothing else changed,
    // would outlive its credential's expiry.
    add: (credential) => {
      nextExpiry = Math.min(nextExpiry, credential.expiresAt);
    },
    stop: () => clearInterval(timer),
  };
}
