/**
 * Who is asking, from what a request or a Socket.IO handshake carries: an API token
 * (`Authorization: Bearer dwi_...`, or the handshake's `auth.token`) or a session cookie. The
 * same answer for REST and sockets; `auth none` makes everyone an admin.
 */
import type { Principal } from '../../shared/principal.js';
import type { Store } from '../store/index.js';
import { sha256 } from './credentials.js';

export const SESSION_COOKIE = 'dwi_session';

export interface Identity {
  principal: Principal;
  /** The session's CSRF token (cookie sessions only). */
  csrf?: string;
  /** The session cookie's hash (to end it at logout). */
  sessionHash?: string;
  /** What proved it, to check again later (an open socket lives on after its handshake). */
  credential: Credential;
}

/**
 * A credential as it can be checked again: its kind and hash (never the secret itself), and
 * when it expires by itself (epoch ms; Infinity: never).
 */
export interface Credential {
  kind: 'token' | 'session' | 'none';
  hash: string;
  expiresAt: number;
}

const expiry = (iso: string | null) => (iso === null ? Infinity : Date.parse(iso));

/** Who everyone is under `auth none`. */
const NO_AUTH_PRINCIPAL: Principal = { username: 'anonymous', role: 'admin', via: 'none' };
const NO_CREDENTIAL: Credential = { kind: 'none', hash: '', expiresAt: Infinity };

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class Authenticator {
  /** Token uses are written at most once a minute per token. */
  private readonly touched = new Map<string, number>();

  constructor(
    readonly mode: 'on' | 'none',
    private readonly store: Store | undefined,
  ) {}

  identify(
    headers: { authorization?: string | undefined; cookie?: string | undefined },
    handshakeToken?: unknown,
  ): Identity | undefined {
    if (this.mode === 'none') return { principal: NO_AUTH_PRINCIPAL, credential: NO_CREDENTIAL };
    if (this.store === undefined) return undefined;
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof handshakeToken === 'string' ? handshakeToken : undefined);
    if (token !== undefined) {
      const hash = sha256(token);
      const found = this.store.tokenByHash(hash);
      if (found === undefined) return undefined;
      this.touch(found.id);
      return {
        principal: { username: found.username, role: found.role, via: 'token' },
        credential: { kind: 'token', hash, expiresAt: expiry(found.expires_at) },
      };
    }
    const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
    if (cookie === undefined) return undefined;
    const sessionHash = sha256(cookie);
    const session = this.store.session(sessionHash);
    if (session === undefined) return undefined;
    return {
      principal: { username: session.username, role: session.role, via: 'session' },
      csrf: session.csrf_token,
      sessionHash,
      credential: { kind: 'session', hash: sessionHash, expiresAt: expiry(session.expires_at) },
    };
  }

  /**
   * Who a credential proves now: undefined once it was revoked, expired, or its user deleted
   * (or logged out, or given a new password); the role is the current one.
   */
  recheck(credential: Credential): Principal | undefined {
    if (credential.kind === 'none') return this.mode === 'none' ? NO_AUTH_PRINCIPAL : undefined;
    if (this.store === undefined) return undefined;
    if (credential.kind === 'token') {
      const found = this.store.tokenByHash(credential.hash);
      return found && { username: found.username, role: found.role, via: 'token' };
    }
    const session = this.store.session(credential.hash);
    return session && { username: session.username, role: session.role, via: 'session' };
  }

  /** Moves whenever a credential may have changed, in any process (see Store). */
  revision(): string {
    return this.store?.credentialsRevision() ?? '';
  }

  private touch(id: string): void {
    const now = Date.now();
    if ((this.touched.get(id) ?? 0) > now - 60_000) return;
    this.touched.set(id, now);
    this.store?.touchToken(id);
  }
}
