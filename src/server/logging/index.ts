import { pino, type Logger } from 'pino';
import { LOGGER_ALIASES } from './dictconfig.js';
import { levelName, parseLevel, pinoToPy, PY_LEVELS, pyToPinoName } from './levels.js';
import { describeHidden, NoiseFilter } from './noise.js';
import { planLogging, type LoggingPlan, type LoggingSettings, type SinkTarget } from './plan.js';
import type { LogRecord } from './record.js';

export type { Logger } from 'pino';

interface Sink {
  write(text: string): void;
  reopen(): void;
  flush(): void;
  /** Flush, and close a file (stdout and stderr stay open). */
  close(): void;
}

interface ActiveHandler {
  level: number;
  sink: Sink;
  format: (record: LogRecord) => string;
}

/** Writes up to this size are atomic on a pipe (Linux). */
const PIPE_BUF = 4096;

const NULL_SINK: Sink = { write() {}, reopen() {}, flush() {}, close() {} };

function openSink(target: SinkTarget): Sink {
  if (target.kind === 'null') return NULL_SINK;
  const boom =
    target.kind === 'file'
      ? pino.destination({ sync: true, dest: target.path, mkdir: true, append: !target.truncate })
      : pino.destination({ sync: true, dest: target.kind === 'stdout' ? 1 : 2 });
  // Lines of one event-loop turn go out in one write: far fewer syscalls under load, and no
  // thread-pool hop per line. A write holds whole lines and stays under PIPE_BUF where it can,
  // so lines of several processes sharing a pipe or file never interleave. Warnings and worse
  // are flushed at once (see emit), so only routine lines wait, and only until the turn ends.
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    try {
      boom.write(text);
    } catch {
      // The stream is gone (a closed pipe): nothing left to save.
    }
  };
  return {
    write: (text) => {
      if (pending.length + text.length > PIPE_BUF) flush();
      pending += text;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    reopen: () => {
      flush();
      if (target.kind === 'file') boom.reopen();
    },
    flush,
    close: () => {
      flush();
      try {
        if (target.kind === 'file') boom.end();
      } catch {
        // Closed already.
      }
    },
  };
}

function sinkKey(target: SinkTarget): string {
  return target.kind === 'file' ? `file:${target.path}` : target.kind;
}

export interface LevelChange {
  logger: string;
  level: string | null;
  ttl?: number;
}

/**
 * The process's loggers: pino underneath, with Python logging's hierarchy, handlers, levels and
 * formats on top so gunicorn configurations give the same lines.
 */
export class Logging {
  private readonly plan: LoggingPlan;
  private readonly sinks = new Map<string, Sink>();
  private readonly handlers = new Map<string, ActiveHandler>();
  private readonly root: Logger;
  private readonly children = new Map<string, Logger>();
  /** Levels set at run time, over the plan's. */
  private readonly overrides = new Map<string, number>();
  private readonly revertTimers = new Map<string, NodeJS.Timeout>();
  private readonly chains = new Map<string, ActiveHandler[][]>();
  private readonly noise: NoiseFilter;
  private readonly reportTimer: NodeJS.Timeout | undefined;

  constructor(settings: LoggingSettings) {
    this.plan = planLogging(settings);
    for (const [name, handler] of this.plan.handlers) {
      const key = sinkKey(handler.target);
      let sink = this.sinks.get(key);
      if (sink === undefined) {
        sink = openSink(handler.target);
        this.sinks.set(key, sink);
      }
      this.handlers.set(name, { level: handler.level, sink, format: handler.format });
    }
    this.noise = new NoiseFilter(settings.noise_filter, settings.noise_filter_socketio);
    this.root = pino(
      { level: 'trace', base: null, timestamp: pino.stdTimeFunctions.epochTime },
      { write: (line: string) => this.dispatch(line) },
    );
    const interval = settings.noise_filter_report_interval;
    if (interval > 0) {
      this.reportTimer = setInterval(() => this.reportHidden(interval), interval * 1000);
      this.reportTimer.unref();
    }
  }

  /** A named logger ("dwi.error", "dwi.access", "socketio.server", ...). */
  logger(name: string): Logger {
    const canonical = canonicalName(name);
    let child = this.children.get(canonical);
    if (child === undefined) {
      child = this.root.child(
        { name: canonical },
        { level: pyToPinoName(this.effectiveLevel(canonical)) },
      );
      this.children.set(canonical, child);
    }
    return child;
  }

  /**
   * The access log's writer, or undefined when access lines would not be shown. Access lines
   * are records already (one per request, the hot path), so they skip pino's serialise-and-parse
   * round trip; the level, handlers, formats and noise filter are the same as for any logger.
   */
  accessWriter(): ((line: string, requestId: string) => void) | undefined {
    const name = 'dwi.access';
    const logger = this.logger(name);
    if (this.chain(name).every((handlers) => handlers.length === 0)) return undefined;
    const extra = {};
    return (line, requestId) => {
      if (!logger.isLevelEnabled('info') || this.noise.hides(name, line)) return;
      this.emit({
        level: PY_LEVELS.INFO,
        time: Date.now(),
        name,
        msg: line,
        pid: process.pid,
        request_id: requestId,
        extra,
      });
    };
  }

  /** Current effective level of each configured or used logger. */
  levels(): Record<string, string> {
    const names = new Set([...this.plan.loggers.keys(), ...this.children.keys()]);
    return Object.fromEntries([...names].sort().map((n) => [n, levelName(this.effectiveLevel(n))]));
  }

  /**
   * Sets a logger's level at run time (null: back to the configured level); with a ttl in
   * seconds it reverts by itself. Returns the canonical logger name.
   */
  setLevel(change: LevelChange): string {
    const name = canonicalName(change.logger);
    const previous = this.overrides.get(name);
    clearTimeout(this.revertTimers.get(name));
    this.revertTimers.delete(name);
    if (change.level === null) this.overrides.delete(name);
    else this.overrides.set(name, parseLevel(change.level) ?? 0);
    if (change.ttl !== undefined && change.ttl > 0) {
      const timer = setTimeout(() => {
        this.revertTimers.delete(name);
        const raised = this.overrides.get(name);
        const restore = () => {
          if (previous === undefined) this.overrides.delete(name);
          else this.overrides.set(name, previous);
        };
        restore();
        const after = levelName(this.effectiveLevel(name));
        // Said while still raised, so the line is not hidden by the level it returns to.
        if (raised !== undefined) this.overrides.set(name, raised);
        this.logger('dwi.error').info(`log level of ${name} back to ${after} (ttl ended)`);
        restore();
        this.applyLevels();
      }, change.ttl * 1000);
      timer.unref();
      this.revertTimers.set(name, timer);
    }
    this.applyLevels();
    return name;
  }

  isKnownLogger(name: string): boolean {
    const canonical = canonicalName(name);
    return this.plan.loggers.has(canonical) || this.children.has(canonical);
  }

  /** SIGUSR1: reopen log files (after logrotate moved them). */
  reopen(): void {
    for (const sink of this.sinks.values()) sink.reopen();
  }

  flush(): void {
    for (const sink of this.sinks.values()) sink.flush();
  }

  close(): void {
    if (this.reportTimer !== undefined) clearInterval(this.reportTimer);
    for (const timer of this.revertTimers.values()) clearTimeout(timer);
    this.reportHidden();
    for (const sink of this.sinks.values()) sink.close();
  }

  private reportHidden(seconds?: number): void {
    const text = describeHidden(this.noise.takeCounts(), seconds);
    if (text !== undefined) this.logger('dwi.error').info({ noise_report: true }, text);
  }

  private applyLevels(): void {
    for (const [name, child] of this.children)
      child.level = pyToPinoName(this.effectiveLevel(name));
  }

  private ownLevel(name: string): number {
    return this.overrides.get(name) ?? this.plan.loggers.get(name)?.level ?? 0;
  }

  private effectiveLevel(name: string): number {
    for (let n: string | undefined = name; n !== undefined; n = parentOf(n)) {
      const level = this.ownLevel(n);
      if (level > 0) return level;
    }
    return 30;
  }

  /** Handler lists from the logger up its ancestors until one does not propagate. */
  private chain(name: string): ActiveHandler[][] {
    let chain = this.chains.get(name);
    if (chain === undefined) {
      chain = [];
      for (let n: string | undefined = name; n !== undefined; n = parentOf(n)) {
        const planned = this.plan.loggers.get(n);
        if (planned === undefined) continue;
        chain.push(planned.handlers.map((h) => this.handlers.get(h)!));
        if (!planned.propagate) break;
      }
      this.chains.set(name, chain);
    }
    return chain;
  }

  private dispatch(line: string): void {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const { level, time, name, msg, request_id, err, noise_report, ...extra } = parsed;
    const record: LogRecord = {
      level: pinoToPy(level as number),
      time: time as number,
      name: (name as string | undefined) ?? 'root',
      msg: typeof msg === 'string' ? msg : msg === undefined ? '' : String(msg),
      pid: process.pid,
      extra,
    };
    if (typeof request_id === 'string') record.request_id = request_id;
    if (err !== undefined) {
      record.err = err as LogRecord['err'];
      if (record.msg === '') record.msg = record.err?.message ?? '';
    }
    // The engine's words for its own connection to Docker ("socket hang up") are no client
    // going away: an engine outage must never be hidden as noise.
    const filtered = noise_report !== true && extra.module !== 'engine';
    if (filtered && this.noise.hides(record.name, record.msg, record.err?.message)) return;
    this.emit(record);
  }

  private emit(record: LogRecord): void {
    for (const handlers of this.chain(record.name)) {
      for (const handler of handlers) {
        if (record.level < handler.level) continue;
        handler.sink.write(`${handler.format(record)}\n`);
        if (record.level >= PY_LEVELS.WARNING) handler.sink.flush();
      }
    }
  }
}

function canonicalName(name: string): string {
  if (name === '' || name === 'root') return 'root';
  return LOGGER_ALIASES[name] ?? name;
}

function parentOf(name: string): string | undefined {
  if (name === 'root') return undefined;
  const dot = name.lastIndexOf('.');
  return dot === -1 ? 'root' : name.slice(0, dot);
}
