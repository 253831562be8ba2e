/**
 * Which browser origins may change things (mutating REST) and open sockets: the configured
 * `allowed_origins`, or by default only the server's own origin (as the browser reached it).
 * Requests without an Origin header (curl, scripts) are not browsers' cross-site requests.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  tls: boolean,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  if (allowed.length > 0) return allowed.includes(origin);
  return host !== undefined && origin === `${tls ? 'https' : 'http'}://${host}`;
}

/**
 * The Access-Control-Allow-Origin a CORS reply carries: a listed origin (any, with `*`) is
 * echoed back; every other origin gets none, so the browser keeps the reply from its page.
 */
export function corsOrigin(origin: string | undefined, allowed: readonly string[]): string | false {
  if (origin === undefined) return false;
  return allowed.includes('*') || allowed.includes(origin) ? origin : false;
}
