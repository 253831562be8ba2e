/**
 * Retention: what each table keeps (see Store.purgeExpired), purged by one process, the
 * primary, at start and then every RETENTION_INTERVAL_MS, so `-w N` never purges N times over.
 * It deletes in small steps and yields between them: the primary also routes every connection.
 */
import type { Logger } from '../logging/index.js';
import { Store, type Purged, type RetentionPolicy } from './index.js';
import type { MetricsRetention } from './metrics.js';

export const RETENTION_INTERVAL_MS = 15 * 60_000;
/** Rows deleted per table and step: a few milliseconds of write lock each. */
const STEP_ROWS = 500;

export interface RetentionSettings {
  data_dir: string;
  audit_retention_days: number;
  audit_max_rows: number;
  token_retention_days: number;
  timeline_retention_days: number;
  timeline_max_rows: number;
  crash_retention_days: number;
  metrics_interval: number;
  metrics_sample_days: number;
  metrics_minute_days: number;
}

export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private settings: RetentionSettings,
    private log: Logger,
  ) {}

  /** Purges now, then on schedule. */
  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), RETENTION_INTERVAL_MS).unref();
  }

  /** New settings and logger (a reload): used from the next run. */
  update(settings: RetentionSettings, log: Logger): void {
    this.settings = settings;
    this.log = log;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One purge of every table; undefined when one was already running or it failed. */
  async run(): Promise<Purged | undefined> {
    if (this.running) return undefined;
    this.running = true;
    const { settings } = this;
    const policy: RetentionPolicy = {
      auditDays: settings.audit_retention_days,
      auditMaxRows: settings.audit_max_rows,
      tokenDays: settings.token_retention_days,
      timeline: { days: settings.timeline_retention_days, maxRows: settings.timeline_max_rows },
      crashDays: settings.crash_retention_days,
      metrics: metricsRetention(settings),
    };
    const total: Purged = {
      audit: 0,
      sessions: 0,
      api_tokens: 0,
      timeline: 0,
      crashes: 0,
      deliveries: 0,
      metrics: 0,
    };
    let store: Store | undefined;
    try {
      store = Store.open(settings.data_dir);
      for (;;) {
        const step = store.purgeExpired(policy, STEP_ROWS);
        total.audit += step.audit;
        total.sessions += step.sessions;
        total.api_tokens += step.api_tokens;
        total.timeline += step.timeline;
        total.crashes += step.crashes;
        total.deliveries += step.deliveries;
        total.metrics += step.metrics;
        if (Math.max(...Object.values(step)) < STEP_ROWS) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (Object.values(total).some((n) => n > 0))
        this.log.info(
          `retention: deleted ${total.audit} audit rows, ${total.timeline} timeline rows, ` +
            `${total.crashes} crash reports, ${total.deliveries} webhook deliveries, ` +
            `${total.metrics} metrics points, ` +
            `${total.sessions} expired sessions, ` +
            `${total.api_tokens} old API tokens`,
        );
      return total;
    } catch (err) {
      this.log.error(`retention: purge failed: ${(err as Error).message}`);
      return undefined;
    } finally {
      store?.close();
      this.running = false;
    }
  }
}

/** How long each step of the metrics history is kept, from the settings. */
export function metricsRetention(
  settings: Pick<
    RetentionSettings,
    'metrics_interval' | 'metrics_sample_days' | 'metrics_minute_days'
  >,
): MetricsRetention {
  return {
    sampleStep: settings.metrics_interval,
    sampleKeep: settings.metrics_sample_days * 86_400,
    minuteKeep: settings.metrics_minute_days * 86_400,
  };
}
