import { accessSync, constants } from 'node:fs';
import { LogConfigError } from '../logging/dictconfig.js';
import { planLogging } from '../logging/plan.js';
import { parseCommandLine, type ParsedArgs } from './argv.js';
import { readEnv, suggestEnvName } from './env.js';
import { loadConfigFile } from './file.js';
import { SettingError, type Source } from './setting.js';
import { defaultSettings, SETTINGS, SETTINGS_BY_NAME, type Settings } from './settings.js';
import { shellWords } from './shell-words.js';
import { didYouMean } from '../util/suggest.js';

export interface Origin {
  source: Source;
  /** The file, env name or flag the value came from. */
  detail?: string;
}

export interface LoadedConfig {
  settings: Settings;
  origins: Record<string, Origin>;
  /** Problems that stop the server: one clear line each. */
  errors: string[];
  warnings: string[];
  actions: ParsedArgs['actions'];
  positionals: string[];
  /** From DWI_ADMIN_PASSWORD (never a setting: it would show in --print-config and ps). */
  adminPassword: string | undefined;
}

interface Candidate {
  raw: unknown;
  origin: Origin;
}

/**
 * Builds the effective settings from every source. Precedence, lowest first:
 * defaults, config file, DWI_CMD_ARGS, DWI_* env, CLI flags. Never throws on bad input:
 * every problem becomes one line in `errors`.
 */
export async function loadConfig(argv: string[], env?: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const cli = parseCommandLine(argv);
  errors.push(...cli.errors);
  const fromEnv = readEnv(env);
  // Environments set DWI_* variables of their own (a Kubernetes Service named dwi-web gives
  // DWI_WEB_SERVICE_HOST): an unknown one stops only a check, which is asked to be strict.
  for (const name of fromEnv.unknown) {
    const hint = suggestEnvName(name);
    if (cli.actions.checkConfig) errors.push(`unknown environment variable ${name}${hint}`);
    else warnings.push(`unknown environment variable ${name} ignored${hint}`);
  }

  let cmdArgs: ParsedArgs | undefined;
  if (fromEnv.cmdArgs !== undefined) {
    try {
      cmdArgs = parseCommandLine(shellWords(fromEnv.cmdArgs));
      errors.push(...cmdArgs.errors.map((e) => `DWI_CMD_ARGS: ${e}`));
      if (cmdArgs.positionals.length > 0) {
        errors.push(`DWI_CMD_ARGS: unexpected argument ${cmdArgs.positionals[0]}`);
      }
    } catch (err) {
      errors.push(`DWI_CMD_ARGS: ${(err as Error).message}`);
    }
  }

  const candidates = new Map<string, Candidate[]>();
  const offer = (name: string, raw: unknown, origin: Origin) => {
    const list = candidates.get(name) ?? [];
    list.push({ raw, origin });
    candidates.set(name, list);
  };
  // Offered lowest precedence first; the last offer wins.
  for (const [name, raw] of cmdArgs?.values ?? []) {
    offer(name, raw, { source: 'cmd_args', detail: 'DWI_CMD_ARGS' });
  }
  for (const [name, { raw, from }] of fromEnv.values)
    offer(name, raw, { source: 'env', detail: from });
  for (const [name, raw] of cli.values) offer(name, raw, { source: 'flag', detail: flagOf(name) });

  const configPath = pick(candidates.get('config'));
  if (configPath !== undefined && configPath.raw !== null && configPath.raw !== '') {
    const path = String(configPath.raw);
    try {
      const file = await loadConfigFile(path);
      warnings.push(...file.warnings);
      const fileCandidates = new Map<string, Candidate>();
      for (const [name, raw] of file.values) {
        if (name === 'config') {
          errors.push(`${path}: a config file cannot name another config file`);
        } else if (!SETTINGS_BY_NAME.has(name)) {
          errors.push(
            `unknown setting ${name} in ${path}${didYouMean(name, SETTINGS_BY_NAME.keys())}`,
          );
        } else {
          fileCandidates.set(name, { raw, origin: { source: 'file', detail: path } });
        }
      }
      for (const [name, candidate] of fileCandidates) {
        candidates.set(name, [candidate, ...(candidates.get(name) ?? [])]);
      }
    } catch (err) {
      errors.push(
        err instanceof SettingError ? err.message : `cannot load ${path}: ${String(err)}`,
      );
    }
  }

  const settings = defaultSettings() as Record<string, unknown>;
  const origins: Record<string, Origin> = {};
  for (const setting of SETTINGS) {
    origins[setting.name] = { source: 'default' };
    const chosen = pick(candidates.get(setting.name));
    if (chosen === undefined) continue;
    try {
      settings[setting.name] = setting.convert(chosen.raw);
      origins[setting.name] = chosen.origin;
    } catch (err) {
      if (!(err instanceof SettingError)) throw err;
      errors.push(`${setting.name} (from ${describeOrigin(chosen.origin)}): ${err.message}`);
    }
  }
  const typed = settings as Settings;
  errors.push(...crossChecks(typed));
  if (cli.positionals.length > 0) errors.push(`unexpected argument ${cli.positionals[0]}`);
  return {
    settings: typed,
    origins,
    errors,
    warnings,
    actions: cli.actions,
    positionals: cli.positionals,
    adminPassword: fromEnv.adminPassword,
  };
}

function pick(list: Candidate[] | undefined): Candidate | undefined {
  return list?.[list.length - 1];
}

function flagOf(name: string): string {
  return SETTINGS_BY_NAME.get(name)?.flags.find((f) => f.startsWith('--')) ?? name;
}

export function describeOrigin(origin: Origin): string {
  return origin.detail === undefined ? origin.source : `${origin.source} ${origin.detail}`;
}

/** Checks that involve more than one setting. */
function crossChecks(settings: Settings): string[] {
  const errors: string[] = [];
  if ((settings.certfile === null) !== (settings.keyfile === null)) {
    errors.push('certfile and keyfile go together: give both or neither');
  }
  try {
    planLogging(settings);
  } catch (err) {
    errors.push(err instanceof LogConfigError ? err.message : String(err));
  }
  if (settings.allowed_origins.includes('*') && settings.auth !== 'none') {
    errors.push(
      'allowed_origins "*" needs --auth none: with authentication on, any web page could act with a logged-in visitor\'s cookie; list the origins of your pages instead (e.g. --allowed-origins http://localhost:3002)',
    );
  }
  if (settings.docker_tls_verify && settings.docker_cert_path === null) {
    errors.push(
      'docker_tls_verify needs docker_cert_path (DOCKER_CERT_PATH): the directory of ca.pem, cert.pem, key.pem',
    );
  }
  for (const name of ['certfile', 'keyfile'] as const) {
    const path = settings[name];
    if (path === null) continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (err) {
      errors.push(
        `${name}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
  }
  return errors;
}

/** The hook functions of a config file, for a worker (functions cannot cross IPC). */
export async function loadHooksFromFile(path: string | null): Promise<Partial<Settings>> {
  if (path === null) return {};
  const file = await loadConfigFile(path);
  const hooks: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    if (setting.section === 'hooks' && file.values.has(setting.name)) {
      hooks[setting.name] = setting.convert(file.values.get(setting.name));
    }
  }
  return hooks as Partial<Settings>;
}
