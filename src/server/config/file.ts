import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadJsonFile } from './json-file.js';
import { SettingError } from './setting.js';

/** gunicorn settings a migrated config may carry that have no meaning for Node workers. */
const IGNORED_GUNICORN_SETTINGS = new Set([
  'threads',
  'capture_output',
  'preload_app',
  'daemon',
  'proc_name',
  'default_proc_name',
  'chdir',
  'umask',
  'user',
  'group',
  'worker_tmp_dir',
  'enable_stdio_inheritance',
  'sendfile',
  'reuse_port',
  'wsgi_app',
  'raw_env',
  'check_config',
  'print_config',
]);

export interface FileValues {
  values: Map<string, unknown>;
  warnings: string[];
}

/**
 * Reads a config file: JSON, or a JS/MJS/CJS module whose default export (an object) and
 * named exports are settings, hooks included. Each load imports afresh so SIGHUP sees edits.
 */
export async function loadConfigFile(path: string): Promise<FileValues> {
  const ext = extname(path).toLowerCase();
  let raw: Record<string, unknown>;
  if (ext === '.json') {
    const parsed = loadJsonFile(path);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new SettingError(`${path} must hold a JSON object of settings`);
    }
    raw = parsed as Record<string, unknown>;
  } else if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    raw = await importModule(path);
  } else if (ext === '.py') {
    throw new SettingError(
      `${path} is a Python file: write the same settings as dwi.config.js or .json (same names)`,
    );
  } else {
    throw new SettingError(`${path}: a config file must be .js, .mjs, .cjs or .json`);
  }
  const values = new Map<string, unknown>();
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (IGNORED_GUNICORN_SETTINGS.has(key)) {
      warnings.push(`${path}: gunicorn setting ${key} has no meaning for dwi and is ignored`);
    } else {
      values.set(key, value);
    }
  }
  return { values, warnings };
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(path));
  url.searchParams.set('load', String(Date.now()) + Math.random().toString(36).slice(2));
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url.href)) as Record<string, unknown>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(resolve(path))) {
      throw new SettingError(`cannot read ${path}: ENOENT`);
    }
    throw new SettingError(`cannot load ${path}: ${firstLine(e.message)}`);
  }
  const { default: defaultExport, ...named } = mod;
  const base =
    defaultExport !== null && typeof defaultExport === 'object' && !Array.isArray(defaultExport)
      ? (defaultExport as Record<string, unknown>)
      : {};
  // CommonJS modules show module.exports as default and may echo keys as named exports.
  return { ...base, ...named };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
