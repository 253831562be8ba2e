import { levelName } from './levels.js';
import { compilePercentFormat, compileStrftime, defaultAsctime, FormatError } from './pyformat.js';

/** One log record after pino has serialised it, as handlers and formatters see it. */
export interface LogRecord {
  /** Python level number (DEBUG 10 ... CRITICAL 50). */
  level: number;
  /** Epoch milliseconds. */
  time: number;
  name: string;
  msg: string;
  pid: number;
  request_id?: string;
  err?: { type?: string; message?: string; stack?: string };
  /** Bound or passed fields beyond the above. */
  extra: Record<string, unknown>;
}

export type Formatter = (record: LogRecord) => string;

const RECORD_FIELDS = new Set([
  'asctime',
  'created',
  'msecs',
  'relativeCreated',
  'levelname',
  'levelno',
  'name',
  'message',
  'msg',
  'process',
  'processName',
  'thread',
  'threadName',
  'request_id',
  'module',
  'worker',
]);

const startedAt = Date.now();

export function textFormatter(format: string, datefmt?: string): Formatter {
  // The access log's format: every request goes through it, so it skips the general path.
  if (format === '%(message)s') {
    return (record) =>
      record.request_id === undefined || record.msg.includes(record.request_id)
        ? record.msg
        : `${record.msg} request_id=${record.request_id}`;
  }
  let fill: ReturnType<typeof compilePercentFormat>;
  try {
    fill = compilePercentFormat(format, (key) => RECORD_FIELDS.has(key));
  } catch (err) {
    throw new FormatError((err as Error).message);
  }
  const asctime = datefmt === undefined ? defaultAsctime : compileStrftime(datefmt);
  // Lines of a request carry its id even when the format has no %(request_id)s.
  const appendRequestId = !format.includes('%(request_id)');
  return (record) => {
    const fields = (key: string): unknown => {
      switch (key) {
        case 'asctime':
          return asctime(new Date(record.time));
        case 'created':
          return record.time / 1000;
        case 'msecs':
          return record.time % 1000;
        case 'relativeCreated':
          return record.time - startedAt;
        case 'levelname':
          return levelName(record.level);
        case 'levelno':
          return record.level;
        case 'name':
          return record.name;
        case 'message':
        case 'msg':
          return record.msg;
        case 'process':
          return record.pid;
        case 'processName':
          return record.extra.worker === undefined
            ? 'primary'
            : `worker-${String(record.extra.worker)}`;
        case 'thread':
          return 0;
        case 'threadName':
          return 'MainThread';
        case 'request_id':
          return record.request_id;
        default:
          return record.extra[key];
      }
    };
    return withContext(record, fill(fields), appendRequestId);
  };
}

/** Adds what a line of a request or a failure must carry when its format does not show it. */
function withContext(record: LogRecord, line: string, appendRequestId: boolean): string {
  let out = line;
  if (appendRequestId && record.request_id !== undefined && !line.includes(record.request_id)) {
    out += ` request_id=${record.request_id}`;
  }
  if (record.err?.stack !== undefined && record.level >= 40) out += `\n${record.err.stack}`;
  return out;
}

/** One JSON object per line: stable keys first, then whatever else the record carries. */
export const jsonFormatter: Formatter = (record) =>
  JSON.stringify({
    time: new Date(record.time).toISOString(),
    level: levelName(record.level),
    logger: record.name,
    pid: record.pid,
    msg: record.msg,
    ...(record.request_id === undefined ? {} : { request_id: record.request_id }),
    ...record.extra,
    ...(record.err === undefined ? {} : { err: record.err }),
  });
