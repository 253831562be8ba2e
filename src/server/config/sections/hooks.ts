import { defineSetting, describe, SettingError } from '../setting.js';

/** Hooks in the order a server's life calls them; see docs/settings.md for when each runs. */
export const HOOK_NAMES = [
  'on_starting',
  'on_reload',
  'when_ready',
  'pre_fork',
  'post_fork',
  'post_worker_init',
  'worker_int',
  'worker_abort',
  'pre_request',
  'post_request',
  'child_exit',
  'worker_exit',
  'nworkers_changed',
  'on_exit',
] as const;
export type HookName = (typeof HOOK_NAMES)[number];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- hooks are user code of any shape
export type HookFunction = (...args: any[]) => unknown;

const HOOK_DOCS: Record<HookName, string> = {
  on_starting: 'on_starting(server): in the primary, before anything is bound or forked.',
  on_reload:
    'on_reload(server): in the primary, on SIGHUP or a --reload change, before new workers start.',
  when_ready: 'when_ready(server): in the primary, once the first workers listen.',
  pre_fork: 'pre_fork(server, worker): in the primary, just before a worker is forked.',
  post_fork: 'post_fork(server, worker): in the worker, just after it starts.',
  post_worker_init:
    'post_worker_init(worker): in the worker, once its app is built, before it listens.',
  worker_int: 'worker_int(worker): in the worker, on SIGINT or SIGQUIT.',
  worker_abort: 'worker_abort(worker): in the primary, when a silent worker is killed for timeout.',
  pre_request: 'pre_request(worker, req): in the worker, before a request is handled.',
  post_request: 'post_request(worker, req, res): in the worker, after a response is sent.',
  child_exit: 'child_exit(server, worker): in the primary, after a worker has exited.',
  worker_exit: 'worker_exit(server, worker): in the worker, just before it exits.',
  nworkers_changed:
    'nworkers_changed(server, new_value, old_value): in the primary, when the worker count changes.',
  on_exit: 'on_exit(server): in the primary, just before it exits.',
};

function toHook(raw: unknown): HookFunction | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'function')
    throw new SettingError(`expected a function, got ${describe(raw)}`);
  return raw as HookFunction;
}

export const hookSettings = HOOK_NAMES.map((name) =>
  defineSetting({
    name,
    section: 'hooks',
    flags: [],
    fileOnly: true,
    default: null as HookFunction | null,
    convert: toHook,
    doc: HOOK_DOCS[name],
    show: (value) => (value === null ? 'None' : `<function ${value.name || name}>`),
  }),
);
