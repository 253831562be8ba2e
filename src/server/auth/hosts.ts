/**
 * The Host header values this server answers to: its defence against DNS rebinding. A page on
 * attacker.example whose name is re-pointed at this server's address calls the server as its
 * own origin, so neither CORS nor the Origin check stops it; only the Host it sends gives it
 * away. Known are: IP addresses (no one else's DNS can re-point a literal address), localhost
 * and its subdomains (browsers resolve them to loopback themselves), the names this server
 * binds to, this machine's name, and the `allowed_hosts` setting (names behind a proxy).
 */
import { isIP } from 'node:net';

/** A Host header's name: no port, no IPv6 brackets, lower case, no trailing dot. */
export function hostName(header: string): string {
  const name = header.startsWith('[')
    ? header.slice(1, header.indexOf(']') === -1 ? undefined : header.indexOf(']'))
    : header.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '');
}

export class KnownHosts {
  private readonly names = new Set<string>();
  /** ".example.com" entries: the name and every name under it. */
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  /** `entries`: names, ".suffix" for a domain and its subdomains, or "*" (no check at all). */
  constructor(entries: readonly string[]) {
    this.any = entries.includes('*');
    for (const entry of entries) {
      const name = entry.toLowerCase().replace(/\.$/, '');
      if (name.startsWith('.')) this.suffixes.push(name);
      else if (name !== '*') this.names.add(name);
    }
  }

  /** Whether a request with this Host header is meant for this server. */
  allows(header: string | undefined): boolean {
    // HTTP/1.0 clients may send none; a browser always does.
    if (header === undefined || this.any) return true;
    const name = hostName(header);
    if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
    if (this.names.has(name)) return true;
    return this.suffixes.some((suffix) => name.endsWith(suffix) || name === suffix.slice(1));
  }
}

/** Why a request was refused, for its 421 reply or the refused Socket.IO handshake. */
export function unknownHostMessage(header: string): string {
  return `Host ${JSON.stringify(header)} is not a name this server answers to (a DNS rebinding guard): if it is this server's, add it to allowed_hosts (--allowed-hosts, DWI_ALLOWED_HOSTS)`;
}
