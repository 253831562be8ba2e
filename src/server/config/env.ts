import { SETTINGS } from './settings.js';

/** Env names dwi reads that are not settings. */
export const EXTRA_ENV = ['DWI_CMD_ARGS', 'DWI_ADMIN_PASSWORD'] as const;

export interface EnvValues {
  /** Raw values by setting name, with the env name each came from. */
  values: Map<string, { raw: string; from: string }>;
  cmdArgs: string | undefined;
  /** DWI_ADMIN_PASSWORD: the first admin's password, read once at first start. */
  adminPassword: string | undefined;
  /** DWI_* names that match no setting: likely typos. */
  unknown: string[];
}

/** The one place that reads process.env (tests pass their own env). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvValues {
  const values = new Map<string, { raw: string; from: string }>();
  const known = new Set<string>(EXTRA_ENV);
  for (const setting of SETTINGS) {
    for (const name of setting.env) known.add(name);
    // The first env name wins over later aliases (DWI_WORKERS over WEB_CONCURRENCY).
    const from = setting.env.find((name) => env[name] !== undefined && env[name] !== '');
    if (from !== undefined) values.set(setting.name, { raw: env[from]!, from });
  }
  const unknown = Object.keys(env).filter((name) => name.startsWith('DWI_') && !known.has(name));
  const adminPassword = env.DWI_ADMIN_PASSWORD === '' ? undefined : env.DWI_ADMIN_PASSWORD;
  return { values, cmdArgs: env.DWI_CMD_ARGS, adminPassword, unknown };
}
