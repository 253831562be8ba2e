/**
 * Crash reports, made by the worker that records the timeline (one for all) from the engine's
 * events: a `die` with a non-zero exit code that nobody asked for (OOMKilled tells a memory
 * kill) and a `health_status: unhealthy`. The last log lines are read at once, before a container run
 * with --rm or re-created by compose takes them along; a restart loop folds into one report.
 */
import type { Logger } from 'pino';
import type { CrashReason, CrashReport } from '../../shared/crashes.js';
import type { EngineEvent } from '../engine/events.js';
import type { ContainerOperations } from '../engine/ports.js';
import type { NewCrash } from '../store/crashes.js';
import type { Store } from '../store/index.js';

/** The same container crashing again within this long is the same loop. */
export const LOOP_WINDOW_MS = 10 * 60_000;
/** Crashes read at once; past this many, a report is made without its lines. */
const MAX_CAPTURES = 8;

const PROJECT_LABEL = 'com.docker.compose.project';

/** What inspect tells of a crash (the fields read here). */
interface Inspected {
  Name?: string;
  RestartCount?: number;
  State?: {
    ExitCode?: number;
    OOMKilled?: boolean;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Log?: Array<{ Start: string; End: string; ExitCode: number; Output: string }> };
  };
  Config?: {
    Image?: string;
    Labels?: Record<string, string> | null;
    Entrypoint?: string[] | string | null;
    Cmd?: string[] | string | null;
  };
  HostConfig?: { RestartPolicy?: { Name?: string }; Memory?: number };
}

/** The reason an event is a crash, or undefined when it is none. */
export function crashReason(event: EngineEvent): CrashReason | undefined {
  if (event.type !== 'container') return undefined;
  if (event.action === 'die') {
    const code = event.attributes.exitCode;
    return code !== undefined && code !== '0' ? 'exit' : undefined;
  }
  return event.action === 'health_status: unhealthy' ? 'unhealthy' : undefined;
}

const words = (value: string[] | string | null | undefined) =>
  value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
/** The engine's "never" time. */
const timeOrNull = (time: string | undefined) =>
  time === undefined || time.startsWith('0001-') ? null : time;

/** A report from the event, what inspect said (masked), and the lines read. */
export function crashOf(
  event: EngineEvent,
  reason: CrashReason,
  info: Inspected | undefined,
  lines: { lines: Array<{ stream: string; line: string }> } | { error: string },
): NewCrash {
  const state = info?.State ?? {};
  // An unhealthy container still runs: no exit code.
  const exitCode = event.action === 'die' ? Number(event.attributes.exitCode) : null;
  const oomKilled = state.OOMKilled === true;
  return {
    at: new Date(Number(BigInt(event.timeNano) / 1_000_000n)).toISOString(),
    container_id: event.id,
    container_name:
      event.attributes.name ?? info?.Name?.replace(/^\//, '') ?? event.id.slice(0, 12),
    project: event.attributes[PROJECT_LABEL] ?? info?.Config?.Labels?.[PROJECT_LABEL] ?? null,
    image: event.attributes.image ?? info?.Config?.Image ?? '',
    reason: reason === 'exit' && oomKilled ? 'oom' : reason,
    exit_code: exitCode !== null && Number.isFinite(exitCode) ? exitCode : null,
    oom_killed: oomKilled,
    health_log: (state.Health?.Log ?? []).map((probe) => ({
      start: probe.Start,
      end: probe.End,
      exit_code: probe.ExitCode,
      output: probe.Output,
    })),
    config: {
      command: [...words(info?.Config?.Entrypoint), ...words(info?.Config?.Cmd)],
      restart_policy: info?.HostConfig?.RestartPolicy?.Name || 'no',
      restart_count: info?.RestartCount ?? 0,
      memory_limit_bytes: info?.HostConfig?.Memory ?? 0,
      started_at: timeOrNull(state.StartedAt),
      finished_at: timeOrNull(state.FinishedAt),
    },
    ...('error' in lines
      ? { last_lines: [], streams: '', lines_error: lines.error }
      : {
          last_lines: lines.lines.map((l) => l.line),
          streams: lines.lines.map((l) => (l.stream === 'stderr' ? '2' : '1')).join(''),
          lines_error: null,
        }),
  };
}

/** Containers remembered as asked to stop at once; the oldest are forgotten past this. */
const MAX_STOPPING = 10_000;

/**
 * Containers someone asked to stop: the engine's `kill` event comes of `docker stop`, `docker
 * kill` and dwi's stop alike (a process that dies by itself, or of the kernel's OOM killer,
 * has none). The die that follows is what was asked for, whatever its exit code: no crash.
 */
export class StopRequests {
  private readonly stopping = new Set<string>();

  /** Hears an event; true when it is the die of a container asked to stop. */
  asked(event: EngineEvent): boolean {
    if (event.type !== 'container') return false;
    switch (event.action) {
      case 'kill':
        this.stopping.add(event.id);
        if (this.stopping.size > MAX_STOPPING)
          this.stopping.delete(this.stopping.values().next().value!);
        return false;
      case 'start':
      case 'destroy':
        this.stopping.delete(event.id);
        return false;
      case 'die':
        return this.stopping.delete(event.id);
      default:
        return false;
    }
  }
}

export class CrashCatcher {
  private capturing = 0;
  private readonly stops = new StopRequests();
  private readonly listeners = new Set<(report: CrashReport) => void>();

  constructor(
    private readonly store: Store,
    private readonly engine: Pick<ContainerOperations, 'inspect' | 'logs'>,
    private readonly log: Logger,
    private readonly logLines: () => number,
  ) {}

  /** Hears of every report made or folded here; returns the unsubscribe. */
  onReport(listener: (report: CrashReport) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** An engine event the recorder heard: a crash is captured. */
  onEvent(event: EngineEvent): void {
    if (this.stops.asked(event)) return;
    const reason = crashReason(event);
    if (reason !== undefined) void this.capture(event, reason);
  }

  private async capture(event: EngineEvent, reason: CrashReason): Promise<void> {
    const busy = this.capturing >= MAX_CAPTURES;
    this.capturing += 1;
    try {
      const count = this.logLines();
      const [lines, info] = await Promise.allSettled([
        busy || count === 0
          ? Promise.reject(
              new Error(
                busy ? 'too many crashes at once to read each log' : 'crash_log_lines is 0',
              ),
            )
          : this.engine.logs(event.id, {
              tail: count,
              timestamps: true,
              stdout: true,
              stderr: true,
            }),
        this.engine.inspect(event.id, { unmasked: false }) as Promise<Inspected>,
      ]);
      const report = this.store.crashes.record(
        crashOf(
          event,
          reason,
          info.status === 'fulfilled' ? info.value : undefined,
          lines.status === 'fulfilled' ? lines.value : { error: (lines.reason as Error).message },
        ),
        LOOP_WINDOW_MS,
      );
      for (const listener of this.listeners) listener(report);
    } catch (err) {
      this.log.warn(`crash of ${event.id.slice(0, 12)} not recorded: ${String(err)}`);
    } finally {
      this.capturing -= 1;
    }
  }
}
