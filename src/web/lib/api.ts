/**
 * The REST client, typed from the shared API table: `call('listContainers')` resolves to
 * `ApiData<'listContainers'>`, path parameters are named by the operation's path, and a
 * failure is an ApiFailure carrying the server's code and request id.
 *
 * Cookie sessions send their CSRF token on every mutating request (the server's guard wants
 * it); a 401 tells the session listeners, so the app can ask to log in again.
 */
import { API, type ApiData, type OperationId } from '../../shared/api.js';
import type { ErrorCode, ErrorReply } from '../../shared/errors.js';

type PathOf<K extends OperationId> = (typeof API)[K]['path'];
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

type PathParams<K extends OperationId> = [ParamNames<PathOf<K>>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<PathOf<K>>, string> };

export type CallOptions<K extends OperationId> = PathParams<K> & {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** For operations that report progress: called with each step as the server takes it. */
  onProgress?: (step: string) => void;
};

/** A refused or failed call, in the server's terms. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The server's code, or `network` when no answer came. */
    readonly code: ErrorCode | 'network',
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NDJSON = 'application/x-ndjson';

let csrfToken: string | undefined;
const unauthorizedListeners = new Set<() => void>();

/** The session's CSRF token (from login or /api/auth/me); undefined for none. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called on every 401: the session ended (expired, logged out elsewhere, revoked). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function pathOf(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

type OptionalWhenEmpty<K extends OperationId> =
  object extends CallOptions<K> ? [options?: CallOptions<K>] : [options: CallOptions<K>];

/** An operation's `data`. */
export async function call<K extends OperationId>(
  id: K,
  ...options: OptionalWhenEmpty<K>
): Promise<ApiData<K>> {
  return (await callForReply(id, ...options)).data;
}

/** An operation's `data` and the request id the server gave it (to quote in the UI). */
export async function callForReply<K extends OperationId>(
  id: K,
  ...[options]: OptionalWhenEmpty<K>
): Promise<{ data: ApiData<K>; requestId: string | null }> {
  const operation = API[id];
  const { params, query, body, signal, onProgress } = (options ?? {}) as CallOptions<K>;
  let url = pathOf(operation.path, params as Record<string, string> | undefined);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined) search.set(name, String(value));
  if (search.size > 0) url += `?${search}`;

  const headers: Record<string, string> = {
    accept:
      onProgress && (operation as { body?: string }).body === 'progress'
        ? `${NDJSON}, application/json`
        : 'application/json',
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (MUTATING.has(operation.method) && csrfToken !== undefined)
    headers['x-csrf-token'] = csrfToken;

  let response: Response;
  try {
    response = await fetch(url, {
      method: operation.method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiFailure('The server did not answer (network error)', 0, 'network', null);
  }
  const requestId = response.headers.get('x-request-id');
  if (response.headers.get('content-type')?.startsWith(NDJSON) && response.body) {
    const data = await readProgress<ApiData<K>>(
      response.body,
      onProgress ?? (() => {}),
      response.status,
      requestId,
    );
    return { data, requestId };
  }
  const payload = await readJson(response);
  if (!response.ok || payload?.status === 'error')
    throw failure(response.status, payload, requestId);
  return { data: (payload as { data: ApiData<K> }).data, requestId };
}

async function readJson(response: Response): Promise<{ status?: string; data?: unknown } | null> {
  try {
    return (await response.json()) as { status?: string };
  } catch {
    return null;
  }
}

function failure(status: number, payload: unknown, requestId: string | null): ApiFailure {
  const reply = payload as Partial<ErrorReply> | null;
  if (status === 401) for (const listener of unauthorizedListeners) listener();
  return new ApiFailure(
    reply?.error ?? `The server answered ${status}`,
    status,
    reply?.code ?? 'internal',
    reply?.request_id ?? requestId,
  );
}

/** `{"progress": step}` lines, then the envelope as the last line (an error too). */
async function readProgress<T>(
  body: ReadableStream<Uint8Array>,
  onProgress: (step: string) => void,
  status: number,
  requestId: string | null,
): Promise<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let last: unknown;
  for (;;) {
    const { value, done } = await reader.read();
    buffered += decoder.decode(value, { stream: !done });
    const lines = buffered.split('\n');
    buffered = done ? '' : lines.pop()!;
    for (const line of lines) {
      if (line.trim() === '') continue;
      const message = JSON.parse(line) as { progress?: string; status?: string };
      if (typeof message.progress === 'string') onProgress(message.progress);
      else last = message;
    }
    if (done) break;
  }
  const reply = last as { status?: string; data?: T } | undefined;
  if (reply?.status !== 'success') throw failure(status, reply, requestId);
  return reply.data as T;
}
