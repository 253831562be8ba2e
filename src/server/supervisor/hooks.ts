import type { Logger } from 'pino';
import { HOOK_NAMES, type HookFunction, type HookName } from '../config/sections/hooks.js';
import type { Settings } from '../config/settings.js';

export type Hooks = Partial<Record<HookName, HookFunction>>;

export function hooksOf(settings: Settings): Hooks {
  const hooks: Hooks = {};
  for (const name of HOOK_NAMES) {
    const hook = settings[name];
    if (hook !== null) hooks[name] = hook;
  }
  return hooks;
}

/** Runs a user hook; a hook that throws is logged and does not take the server down. */
export async function runHook(
  hooks: Hooks,
  name: HookName,
  log: Logger,
  ...args: unknown[]
): Promise<void> {
  const hook = hooks[name];
  if (hook === undefined) return;
  try {
    await hook(...args);
  } catch (err) {
    log.error({ err }, `hook ${name} failed: ${(err as Error)?.message ?? String(err)}`);
  }
}
