import { closest } from '../util/suggest.js';
import { SETTINGS } from './settings.js';

/** Env names dwi reads that are not settings. */
export const EXTRA_ENV = ['DWI_CMD_ARGS', 'DWI_ADMIN_PASSWORD'] as const;

export interface EnvValues {
  /** Raw values by setting name, with the env name each came from. */
  values: Map<string, { raw: string; from: string }>;
  cmdArgs: string | undefined;
  /** DWI_ADMIN_PASSWORD: the first admin's password, read once at first start. */
  adminPassword: string | undefined;
  /** DWI_* names that match no setting and are no service link: likely typos. */
  unknown: string[];
}

/** The one place that reads process.env (tests pass their own env). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): EnvValues {
  const values = new Map<string, { raw: string; from: string }>();
  for (const setting of SETTINGS) {
    // The first env name wins over later aliases (DWI_WORKERS over WEB_CONCURRENCY).
    const from = setting.env.find((name) => env[name] !== undefined && env[name] !== '');
    if (from !== undefined) values.set(setting.name, { raw: env[from]!, from });
  }
  const unknown = Object.keys(env)
    .filter((name) => classifyEnv(name, env[name] ?? '') === 'unknown')
    .sort();
  const adminPassword = env.DWI_ADMIN_PASSWORD === '' ? undefined : env.DWI_ADMIN_PASSWORD;
  return { values, cmdArgs: env.DWI_CMD_ARGS, adminPassword, unknown };
}

/** Every environment name dwi reads. */
const KNOWN_ENV: ReadonlySet<string> = new Set([
  ...EXTRA_ENV,
  ...SETTINGS.flatMap((setting) => setting.env),
]);

/** `proto://host:port`, the value of a service link's port variables. */
const LINK_URL = /^(tcp|udp|sctp):\/\/\S+:\d+$/i;

/**
 * Variables that Kubernetes sets for a Service, and Docker for a linked container, named
 * `dwi` or `dwi-<something>` (DWI_PORT=tcp://10.0.0.9:5000, DWI_SERVICE_HOST, ...). Their
 * names start like dwi's own, but they describe the service, not a setting. Names that could
 * be a mistyped setting (DWI_PORT=8080) count only with the value such a link has.
 */
const SERVICE_LINKS: Array<{ name: RegExp; value?: RegExp }> = [
  { name: /^DWI(_\w+?)?_SERVICE_HOST$/ },
  { name: /^DWI(_\w+?)?_SERVICE_PORT(_\w+)?$/, value: /^\d+$/ },
  { name: /^DWI(_\w+?)?_PORT$/, value: LINK_URL },
  { name: /^DWI(_\w+?)?_PORT_\d+_(TCP|UDP|SCTP)$/, value: LINK_URL },
  { name: /^DWI(_\w+?)?_PORT_\d+_(TCP|UDP|SCTP)_(ADDR|PORT|PROTO)$/ },
  // Docker links: the link's name and the linked container's own environment.
  { name: /^DWI(_\w+?)?_NAME$/, value: /^\/\S+$/ },
  { name: /^DWI(_\w+?)?_ENV_\w+$/ },
];

export type EnvKind = 'dwi' | 'service_link' | 'unknown' | 'other';

/** What an environment variable is to dwi: its own, a service link's, unknown, or not DWI_*. */
export function classifyEnv(name: string, value: string): EnvKind {
  if (KNOWN_ENV.has(name)) return 'dwi';
  if (!name.startsWith('DWI_')) return 'other';
  const link = SERVICE_LINKS.some(
    (pattern) => pattern.name.test(name) && (pattern.value?.test(value) ?? true),
  );
  return link ? 'service_link' : 'unknown';
}

/**
 * " (did you mean DWI_WORKERS?)" for a near name, else "". Names are compared without their
 * common DWI_ prefix, which would make any two short names look alike.
 */
export function suggestEnvName(name: string): string {
  const names = [...KNOWN_ENV].filter((known) => known.startsWith('DWI_'));
  const hit = closest(
    name.slice('DWI_'.length),
    names.map((known) => known.slice('DWI_'.length)),
  );
  return hit === undefined ? '' : ` (did you mean DWI_${hit}?)`;
}
