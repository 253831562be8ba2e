/**
 * Turns the logging settings into a plan of handlers and loggers, the way gunicorn does:
 * defaults built from errorlog / accesslog / loglevel, then logconfig_dict merged over them.
 */
import {
  FILE_HANDLERS,
  JSON_FORMATTER_CLASSES,
  LOGGER_ALIASES,
  NULL_HANDLERS,
  LogConfigError,
  streamTarget,
  type LogConfigDict,
  type FormatterConfig,
  type HandlerConfig,
  type LoggerConfig,
} from './dictconfig.js';
import { parseLevel, PY_LEVELS } from './levels.js';
import { jsonFormatter, textFormatter, type Formatter } from './record.js';
import { FormatError } from './pyformat.js';

export const ERROR_FORMAT = '%(asctime)s [%(process)d] [%(levelname)s] %(message)s';
export const ERROR_DATEFMT = '%Y-%m-%d %H:%M:%S';

export type SinkTarget =
  | { kind: 'stdout' }
  | { kind: 'stderr' }
  | { kind: 'file'; path: string; truncate: boolean }
  | { kind: 'null' };

export interface PlannedHandler {
  level: number;
  target: SinkTarget;
  format: Formatter;
}

export interface PlannedLogger {
  /** 0 (NOTSET) inherits from the parent logger. */
  level: number;
  handlers: string[];
  propagate: boolean;
}

export interface LoggingPlan {
  handlers: Map<string, PlannedHandler>;
  /** Keyed by logger name; "root" is the root logger. */
  loggers: Map<string, PlannedLogger>;
}

function fileTarget(path: string): SinkTarget {
  if (path === '-') return { kind: 'stderr' };
  return { kind: 'file', path, truncate: false };
}

/** The settings logging is built from (the server's Settings have them all). */
export interface LoggingSettings {
  errorlog: string;
  accesslog: string | null;
  loglevel: string;
  logconfig_dict: LogConfigDict | null;
  log_format: 'text' | 'json';
  noise_filter: readonly string[];
  noise_filter_socketio: readonly string[];
  noise_filter_report_interval: number;
}

export function planLogging(settings: LoggingSettings): LoggingPlan {
  const formatters: Record<string, FormatterConfig> = {
    generic: { format: ERROR_FORMAT, datefmt: ERROR_DATEFMT },
    access: { format: '%(message)s' },
  };
  const handlers: Record<
    string,
    HandlerConfig | { class: 'dwi.Target'; target: SinkTarget; formatter: string }
  > = {
    error_console: {
      class: 'dwi.Target',
      target: fileTarget(settings.errorlog),
      formatter: 'generic',
    },
  };
  const accessHandlers: string[] = [];
  if (settings.accesslog !== null) {
    const target: SinkTarget =
      settings.accesslog === '-'
        ? { kind: 'stdout' }
        : { kind: 'file', path: settings.accesslog, truncate: false };
    handlers.access_console = { class: 'dwi.Target', target, formatter: 'access' };
    accessHandlers.push('access_console');
  }
  const loggers: Record<string, LoggerConfig> = {
    root: { level: settings.loglevel, handlers: ['error_console'] },
    'dwi.error': { level: settings.loglevel, handlers: ['error_console'], propagate: false },
    'dwi.access': { level: 'INFO', handlers: accessHandlers, propagate: false },
    'socketio.server': { level: 'ERROR', handlers: ['error_console'], propagate: false },
    'engineio.server': { level: 'ERROR', handlers: ['error_console'], propagate: false },
  };

  const dict = settings.logconfig_dict;
  if (dict !== null) {
    Object.assign(formatters, dict.formatters ?? {});
    Object.assign(handlers, dict.handlers ?? {});
    for (const [name, logger] of Object.entries(dict.loggers ?? {})) {
      loggers[LOGGER_ALIASES[name] ?? logger.qualname ?? name] = logger;
    }
    if (dict.root !== undefined) loggers.root = { ...loggers.root, ...dict.root };
  }

  const compiled = new Map<string, Formatter>();
  for (const [name, f] of Object.entries(formatters)) {
    const isJson =
      settings.log_format === 'json' ||
      (f.class !== undefined && JSON_FORMATTER_CLASSES.includes(f.class));
    try {
      compiled.set(
        name,
        isJson ? jsonFormatter : textFormatter(f.format ?? f.fmt ?? '%(message)s', f.datefmt),
      );
    } catch (err) {
      if (err instanceof FormatError)
        throw new LogConfigError(`logconfig_dict.formatters.${name}: ${err.message}`);
      throw err;
    }
  }
  // A handler with no formatter prints the bare message, as Python's does.
  const bare = settings.log_format === 'json' ? jsonFormatter : textFormatter('%(message)s');

  const plan: LoggingPlan = { handlers: new Map(), loggers: new Map() };
  for (const [name, h] of Object.entries(handlers)) {
    let target: SinkTarget;
    if ('target' in h) target = h.target as SinkTarget;
    else if (NULL_HANDLERS.includes(h.class)) target = { kind: 'null' };
    else if (FILE_HANDLERS.includes(h.class))
      target = { kind: 'file', path: h.filename!, truncate: h.mode === 'w' };
    else target = { kind: streamTarget(h.stream as string | undefined) ?? 'stderr' };
    plan.handlers.set(name, {
      level: 'level' in h ? (parseLevel(h.level ?? 0) ?? 0) : 0,
      target,
      format: (h.formatter === undefined ? undefined : compiled.get(h.formatter)) ?? bare,
    });
  }
  for (const [name, l] of Object.entries(loggers)) {
    plan.loggers.set(name, {
      level: parseLevel(l.level ?? 0) ?? 0,
      handlers: l.handlers ?? [],
      propagate: l.propagate === undefined ? true : Boolean(l.propagate),
    });
  }
  const root = plan.loggers.get('root')!;
  if (root.level === PY_LEVELS.NOTSET) root.level = PY_LEVELS.WARNING;
  return plan;
}
