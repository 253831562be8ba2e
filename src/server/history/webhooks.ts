/**
 * Webhook deliveries, sent by the worker that records (one for all): a crash report matching
 * a rule is queued once in the store (store/webhooks.ts), then POSTed; a failed try is tried
 * again with a growing wait, and given up after MAX_ATTEMPTS. Queued in the store, a delivery
 * outlives the worker that queued it: the next recorder sends it.
 */
import type { Logger } from 'pino';
import { CrashSummarySchema, type CrashReport } from '../../shared/crashes.js';
import type { WebhookRule } from '../../shared/webhooks.js';
import type { Store } from '../store/index.js';

const TICK_MS = 1000;
const TIMEOUT_MS = 10_000;
export const MAX_ATTEMPTS = 6;
/** Waits after failed tries: 2 s, 4 s, 8 s, ... at most 5 minutes. */
export const retryDelayMs = (attempts: number) => Math.min(2000 * 2 ** (attempts - 1), 300_000);
/** Lines of the log a message quotes. */
const QUOTED_LINES = 10;

/** Whether a rule sends this report. */
export function matches(rule: WebhookRule, report: CrashReport): boolean {
  if (!rule.enabled || !rule.reasons.includes(report.reason)) return false;
  const pattern = rule.pattern.toLowerCase();
  return (
    pattern === '' ||
    report.container_name.toLowerCase().includes(pattern) ||
    (report.project ?? '').toLowerCase().includes(pattern)
  );
}

/** One sentence of what happened. */
export function headline(report: CrashReport): string {
  const what =
    report.reason === 'oom'
      ? 'was killed for memory'
      : report.reason === 'unhealthy'
        ? 'turned unhealthy'
        : `exited with code ${report.exit_code}`;
  const times = report.count > 1 ? ` (${report.count} times in a row)` : '';
  const project = report.project === null ? '' : ` in ${report.project}`;
  return `${report.container_name}${project} ${what}${times}; image ${report.image}`;
}

/** The body a rule's format takes. */
export function payloadOf(rule: WebhookRule, report: CrashReport): unknown {
  const lines = report.last_lines.slice(-QUOTED_LINES).map((l) => l.replace(/^\S+ /, ''));
  const quoted = lines.length > 0 ? `\n\`\`\`\n${lines.join('\n')}\n\`\`\`` : '';
  switch (rule.format) {
    case 'slack':
      return { text: `:rotating_light: ${headline(report)}${quoted}` };
    case 'discord':
      // Discord takes at most 2,000 characters.
      return { content: `🚨 ${headline(report)}${quoted}`.slice(0, 2000) };
    case 'generic':
      return {
        event: 'crash_report',
        summary: headline(report),
        report: CrashSummarySchema.parse(report),
        last_lines: lines,
      };
  }
}

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private readonly sending = new Set<number>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    /** Whether this process is the one that records (the timeline's lease). */
    private readonly recording: () => boolean,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A report made here: queued for every rule that sends it. */
  onReport(report: CrashReport): void {
    try {
      for (const rule of this.store.webhooks.rules())
        if (matches(rule, report)) this.store.webhooks.enqueue(rule, report);
      this.tick();
    } catch (err) {
      this.log.warn(`webhooks for crash ${report.id} not queued: ${String(err)}`);
    }
  }

  private tick(): void {
    if (!this.recording()) return;
    for (const due of this.store.webhooks.due(Date.now(), 20)) {
      if (this.sending.has(due.id)) continue;
      this.sending.add(due.id);
      void this.send(due).finally(() => this.sending.delete(due.id));
    }
  }

  private async send(due: { id: number; rule_id: number; crash_id: number; attempts: number }) {
    const rule = this.store.webhooks.rule(due.rule_id);
    const report = this.store.crashes.get(due.crash_id);
    if (rule === undefined || report === undefined) {
      this.store.webhooks.failed(due.id, 'its rule or report is gone', null);
      return;
    }
    let error: string | undefined;
    try {
      const reply = await fetch(rule.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'dwi-webhook' },
        body: JSON.stringify(payloadOf(rule, report)),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
      await reply.body?.cancel();
      if (!reply.ok) error = `HTTP ${reply.status}`;
    } catch (err) {
      error = (err as Error).message;
    }
    if (error === undefined) {
      this.store.webhooks.delivered(due.id);
      return;
    }
    const attempts = due.attempts + 1;
    const next = attempts >= MAX_ATTEMPTS ? null : Date.now() + retryDelayMs(attempts);
    this.store.webhooks.failed(due.id, error, next);
    this.log.warn(
      `webhook ${rule.name} to ${new URL(rule.url).host}: ${error}` +
        (next === null ? `; given up after ${attempts} tries` : `; tried again later`),
    );
  }
}
