import { compileAccessFormat } from '../../logging/access.js';
import { LogConfigError, parseLogConfig, type LogConfigDict } from '../../logging/dictconfig.js';
import {
  defineSetting,
  oneOf,
  SettingError,
  toInt,
  toList,
  toOptionalStr,
  toStr,
} from '../setting.js';
import { loadJsonFile } from '../json-file.js';

const section = 'logging';

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const toLogLevel = oneOf(LOG_LEVELS, { warn: 'warning', fatal: 'critical' });

/** gunicorn's default access format, plus the request id so every line of a request carries it. */
export const DEFAULT_ACCESS_LOG_FORMAT =
  '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s';

export const DEFAULT_NOISE_PATTERNS = [
  'socket shutdown error',
  'Bad file descriptor',
  'Socket is closed',
  'Connection reset by peer',
  'Broken pipe',
  'Client is gone',
  'Client disconnected',
  // Node's words for the same events.
  'ECONNRESET',
  'EPIPE',
  'socket hang up',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'write after end',
];

export const DEFAULT_SOCKETIO_NOISE_PATTERNS = [
  'Socket error',
  'Unexpected packet',
  'Invalid session',
];

export const loggingSettings = [
  defineSetting({
    name: 'accesslog',
    section,
    flags: ['--access-logfile'],
    metavar: 'FILE',
    default: '-' as string | null,
    convert: toOptionalStr,
    doc: 'Access log file; "-" is stdout, empty turns the access log off.',
  }),
  defineSetting({
    name: 'access_log_format',
    section,
    flags: ['--access-logformat'],
    metavar: 'STRING',
    default: DEFAULT_ACCESS_LOG_FORMAT,
    convert: (raw: unknown) => {
      const format = toStr(raw);
      try {
        compileAccessFormat(format);
      } catch (err) {
        throw new SettingError((err as Error).message);
      }
      return format;
    },
    doc: "Access log line, with gunicorn's atoms (h l u t r s b f a D L T p, {header}i, {header}o).",
  }),
  defineSetting({
    name: 'errorlog',
    section,
    flags: ['--error-logfile', '--log-file'],
    metavar: 'FILE',
    default: '-',
    convert: toStr,
    doc: 'Error log file; "-" is stderr.',
  }),
  defineSetting({
    name: 'loglevel',
    section,
    flags: ['--log-level'],
    metavar: 'LEVEL',
    default: 'warning' as LogLevelName,
    convert: toLogLevel,
    doc: 'Error log verbosity: debug, info, warning, error, critical.',
  }),
  defineSetting({
    name: 'logconfig_dict',
    section,
    flags: ['--log-config-json'],
    metavar: 'FILE',
    default: null as LogConfigDict | null,
    convert: (raw: unknown) => {
      if (raw === null || raw === '') return null;
      try {
        return parseLogConfig(typeof raw === 'string' ? loadJsonFile(raw) : raw);
      } catch (err) {
        throw err instanceof LogConfigError ? new SettingError(err.message) : err;
      }
    },
    doc: "Logging in Python's dictConfig shape: a JSON file from the CLI/env, an object in a config file.",
    show: (value) => (value === null ? 'None' : JSON.stringify(value)),
  }),
  defineSetting({
    name: 'log_format',
    section,
    flags: ['--log-format'],
    metavar: 'FORMAT',
    default: 'text' as 'text' | 'json',
    convert: oneOf(['text', 'json'] as const),
    doc: 'Log lines as text (Python logging formats) or as one JSON object per line.',
  }),
  defineSetting({
    name: 'noise_filter',
    section,
    flags: ['--noise-filter'],
    metavar: 'PATTERN',
    repeatable: true,
    default: DEFAULT_NOISE_PATTERNS,
    convert: toList,
    doc: 'Messages containing one of these are hidden on the server, access, socket.io, engine.io and root loggers.',
  }),
  defineSetting({
    name: 'noise_filter_socketio',
    section,
    flags: ['--noise-filter-socketio'],
    metavar: 'PATTERN',
    repeatable: true,
    default: DEFAULT_SOCKETIO_NOISE_PATTERNS,
    convert: toList,
    doc: 'Messages containing one of these are hidden on the socket.io and engine.io loggers only.',
  }),
  defineSetting({
    name: 'noise_filter_report_interval',
    section,
    flags: ['--noise-filter-report-interval'],
    metavar: 'INT',
    default: 60,
    convert: toInt(0),
    doc: 'Every this many seconds, an INFO line counts what the noise filter hid; 0 turns it off.',
  }),
];
