/**
 * Python's logging.config.dictConfig shape, so the original's logconfig_dict (written as
 * JSON) configures dwi unchanged. Only what dwi can honour is accepted; the rest is refused
 * with one clear line rather than silently ignored.
 */
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { parseLevel } from './levels.js';
import { didYouMean } from '../util/suggest.js';

/** Logger names of the original (gunicorn) that mean dwi's own. */
export const LOGGER_ALIASES: Record<string, string> = {
  'gunicorn.error': 'dwi.error',
  'gunicorn.access': 'dwi.access',
};

export const STREAM_HANDLERS = ['logging.StreamHandler'];
export const FILE_HANDLERS = ['logging.FileHandler', 'logging.handlers.WatchedFileHandler'];
export const NULL_HANDLERS = ['logging.NullHandler'];
const HANDLER_CLASSES = [...STREAM_HANDLERS, ...FILE_HANDLERS, ...NULL_HANDLERS];
export const JSON_FORMATTER_CLASSES = [
  'pythonjsonlogger.jsonlogger.JsonFormatter',
  'pythonjsonlogger.json.JsonFormatter',
  'dwi.JsonFormatter',
];
const FORMATTER_CLASSES = ['logging.Formatter', ...JSON_FORMATTER_CLASSES];

/**
 * The schemas, built on first use: zod is loaded only when a logconfig_dict is given, not at
 * every start of the primary (it is the largest module the primary would load otherwise).
 */
function buildSchemas(z: typeof Zod) {
  const level = z.union([z.string(), z.number()]).refine((v) => parseLevel(v) !== undefined, {
    message: 'expected a level: DEBUG, INFO, WARNING, ERROR, CRITICAL or NOTSET',
  });

  const formatterSchema = z
    .object({
      format: z.string().optional(),
      fmt: z.string().optional(),
      datefmt: z.string().optional(),
      style: z.literal('%', { message: "only '%' style formats are supported" }).optional(),
      class: z.string().optional(),
    })
    .loose();

  const handlerSchema = z
    .object({
      class: z.string(),
      formatter: z.string().optional(),
      level: level.optional(),
      stream: z.string().optional(),
      filename: z.string().optional(),
      mode: z.enum(['a', 'w']).optional(),
      filters: z.array(z.string()).max(0, 'handler filters are not supported').optional(),
    })
    .loose();

  const loggerSchema = z
    .object({
      level: level.optional(),
      handlers: z.array(z.string()).optional(),
      propagate: z.union([z.boolean(), z.literal(0), z.literal(1)]).optional(),
      qualname: z.string().optional(),
      filters: z.array(z.string()).max(0, 'logger filters are not supported').optional(),
    })
    .loose();

  const schema = z
    .object({
      version: z.literal(1, { message: 'version must be 1' }),
      disable_existing_loggers: z.boolean().optional(),
      incremental: z
        .literal(false, { message: 'incremental configuration is not supported' })
        .optional(),
      formatters: z.record(z.string(), formatterSchema).optional(),
      filters: z.record(z.string(), z.unknown()).optional(),
      handlers: z.record(z.string(), handlerSchema).optional(),
      loggers: z.record(z.string(), loggerSchema).optional(),
      root: loggerSchema.optional(),
    })
    .loose();
  return { schema, formatterSchema, handlerSchema, loggerSchema };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;
const loadSchemas = (): Schemas =>
  (schemas ??= buildSchemas((createRequire(import.meta.url)('zod') as { z: typeof Zod }).z));

export type LogConfigDict = Zod.infer<Schemas['schema']>;
export type FormatterConfig = Zod.infer<Schemas['formatterSchema']>;
export type HandlerConfig = Zod.infer<Schemas['handlerSchema']>;
export type LoggerConfig = Zod.infer<Schemas['loggerSchema']>;

/** A logging configuration that cannot work: says where, as `logconfig_dict.handlers.x: ...`. */
export class LogConfigError extends Error {}

/** Validates a dictConfig object; throws LogConfigError with the path of the first problem. */
export function parseLogConfig(raw: unknown): LogConfigDict {
  const result = loadSchemas().schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = ['logconfig_dict', ...issue.path.map(String)].join('.');
    throw new LogConfigError(`${where}: ${issue.message}`);
  }
  const dict = result.data;
  if (dict.filters !== undefined && Object.keys(dict.filters).length > 0) {
    throw new LogConfigError(
      'logconfig_dict.filters: filters are not supported; use the noise_filter setting',
    );
  }
  const formatters = dict.formatters ?? {};
  const handlers = dict.handlers ?? {};
  for (const [name, formatter] of Object.entries(formatters)) {
    if (formatter.class !== undefined && !FORMATTER_CLASSES.includes(formatter.class)) {
      throw new LogConfigError(
        `logconfig_dict.formatters.${name}.class: ${formatter.class} is not supported (use ${FORMATTER_CLASSES.join(' or ')})`,
      );
    }
  }
  for (const [name, handler] of Object.entries(handlers)) {
    if (!HANDLER_CLASSES.includes(handler.class)) {
      throw new LogConfigError(
        `logconfig_dict.handlers.${name}.class: ${handler.class} is not supported (use ${HANDLER_CLASSES.join(', ')})`,
      );
    }
    if (handler.formatter !== undefined && !(handler.formatter in formatters)) {
      throw new LogConfigError(
        `logconfig_dict.handlers.${name}.formatter: no formatter named ${handler.formatter}${didYouMean(handler.formatter, Object.keys(formatters))}`,
      );
    }
    if (FILE_HANDLERS.includes(handler.class) && handler.filename === undefined) {
      throw new LogConfigError(
        `logconfig_dict.handlers.${name}: ${handler.class} needs a filename`,
      );
    }
    if (handler.stream !== undefined && streamTarget(handler.stream) === undefined) {
      throw new LogConfigError(
        `logconfig_dict.handlers.${name}.stream: expected ext://sys.stdout or ext://sys.stderr, got ${handler.stream}`,
      );
    }
  }
  const loggers = { ...(dict.loggers ?? {}), ...(dict.root ? { root: dict.root } : {}) };
  for (const [name, logger] of Object.entries(loggers)) {
    for (const handler of logger.handlers ?? []) {
      if (!(handler in handlers)) {
        throw new LogConfigError(
          `logconfig_dict.loggers.${name}.handlers: no handler named ${handler}${didYouMean(handler, Object.keys(handlers))}`,
        );
      }
    }
  }
  return dict;
}

/** "ext://sys.stdout" -> "-stdout"; the form a Sink is keyed by. */
export function streamTarget(stream: string | undefined): 'stdout' | 'stderr' | undefined {
  if (stream === undefined) return 'stderr';
  const name = stream.replace(/^ext:\/\//, '');
  if (name === 'sys.stdout' || name === 'stdout') return 'stdout';
  if (name === 'sys.stderr' || name === 'stderr') return 'stderr';
  return undefined;
}
