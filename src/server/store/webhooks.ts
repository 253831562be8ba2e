/**
 * Webhook rules and their deliveries as stored. A delivery is made once per rule and crash
 * (and per count of a restart loop: each new crash of the loop may be sent again once its
 * cool-down is over); tries are counted on it until it is delivered or given up.
 */
import type Database from 'better-sqlite3';
import type { WebhookDelivery, WebhookRule, WebhookRuleInput } from '../../shared/webhooks.js';

interface RuleRow extends Omit<WebhookRule, 'reasons' | 'enabled'> {
  reasons: string;
  enabled: number;
}

const ruleOf = (row: RuleRow): WebhookRule => ({
  ...row,
  reasons: JSON.parse(row.reasons) as WebhookRule['reasons'],
  enabled: row.enabled === 1,
});

const DELIVERY_COLUMNS =
  'id, rule_id, crash_id, container_name, status, attempts, last_error, created_at, delivered_at';

/** A delivery due for a try, with where it goes. */
export interface DueDelivery {
  id: number;
  rule_id: number;
  crash_id: number;
  attempts: number;
}

export class WebhookRepository {
  constructor(private readonly db: Database.Database) {}

  rules(): WebhookRule[] {
    return (this.db.prepare('SELECT * FROM webhook_rules ORDER BY id').all() as RuleRow[]).map(
      ruleOf,
    );
  }

  rule(id: number): WebhookRule | undefined {
    const row = this.db.prepare('SELECT * FROM webhook_rules WHERE id = ?').get(id) as
      RuleRow | undefined;
    return row === undefined ? undefined : ruleOf(row);
  }

  addRule(input: WebhookRuleInput): WebhookRule {
    const id = this.db
      .prepare(
        `INSERT INTO webhook_rules (name, url, format, reasons, pattern, cooldown_s, enabled,
                                    created_at)
         VALUES (@name, @url, @format, @reasons, @pattern, @cooldown_s, @enabled, @created_at)`,
      )
      .run({
        ...input,
        reasons: JSON.stringify(input.reasons),
        enabled: input.enabled ? 1 : 0,
        created_at: new Date().toISOString(),
      }).lastInsertRowid;
    return this.rule(Number(id))!;
  }

  /** False when there is no such rule. */
  updateRule(id: number, input: WebhookRuleInput): boolean {
    return (
      this.db
        .prepare(
          `UPDATE webhook_rules SET name = @name, url = @url, format = @format,
                  reasons = @reasons, pattern = @pattern, cooldown_s = @cooldown_s,
                  enabled = @enabled
            WHERE id = @id`,
        )
        .run({
          ...input,
          id,
          reasons: JSON.stringify(input.reasons),
          enabled: input.enabled ? 1 : 0,
        }).changes === 1
    );
  }

  /** False when there is no such rule; its deliveries go with it. */
  deleteRule(id: number): boolean {
    return this.db.prepare('DELETE FROM webhook_rules WHERE id = ?').run(id).changes === 1;
  }

  /**
   * A delivery of a crash by a rule, unless one was made for this crash and count already, or
   * the rule sent one for the container within its cool-down. True when one was made.
   */
  enqueue(
    rule: WebhookRule,
    crash: { id: number; count: number; container_name: string },
    nowMs = Date.now(),
  ): boolean {
    const since = new Date(nowMs - rule.cooldown_s * 1000).toISOString();
    return this.db.transaction(() => {
      const recent = this.db
        .prepare(
          `SELECT 1 FROM webhook_deliveries
            WHERE rule_id = ? AND container_name = ? AND created_at > ? LIMIT 1`,
        )
        .get(rule.id, crash.container_name, since);
      if (rule.cooldown_s > 0 && recent !== undefined) return false;
      return (
        this.db
          .prepare(
            `INSERT INTO webhook_deliveries (rule_id, crash_id, crash_count, container_name,
                    status, attempts, created_at, next_at_ms)
             VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)
             ON CONFLICT DO NOTHING`,
          )
          .run(
            rule.id,
            crash.id,
            crash.count,
            crash.container_name,
            new Date(nowMs).toISOString(),
            nowMs,
          ).changes === 1
      );
    })();
  }

  /** Deliveries whose next try is due, the oldest first. */
  due(nowMs: number, limit: number): DueDelivery[] {
    return this.db
      .prepare(
        `SELECT id, rule_id, crash_id, attempts FROM webhook_deliveries
          WHERE status = 'pending' AND next_at_ms <= ? ORDER BY next_at_ms LIMIT ?`,
      )
      .all(nowMs, limit) as DueDelivery[];
  }

  delivered(id: number, nowMs = Date.now()): void {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1,
                delivered_at = ?, last_error = NULL
          WHERE id = ?`,
      )
      .run(new Date(nowMs).toISOString(), id);
  }

  /** A failed try: tried again at `nextAtMs`, or given up when that is null. */
  failed(id: number, error: string, nextAtMs: number | null): void {
    this.db
      .prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?,
                status = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,
                next_at_ms = coalesce(?, next_at_ms)
          WHERE id = ?`,
      )
      .run(error.slice(0, 500), nextAtMs, nextAtMs, id);
  }

  /** A rule's deliveries, newest first. */
  deliveries(ruleId: number, limit: number): WebhookDelivery[] {
    return this.db
      .prepare(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE rule_id = ?
          ORDER BY id DESC LIMIT ?`,
      )
      .all(ruleId, limit) as WebhookDelivery[];
  }

  /** Deliveries older than `days` go, at most `limit`. */
  purge(days: number, limit: number): number {
    const cutoff = new Date(Date.now() - days * 86_400_000).toISOString();
    return this.db
      .prepare(
        `DELETE FROM webhook_deliveries WHERE id IN
           (SELECT id FROM webhook_deliveries WHERE created_at < ? LIMIT ?)`,
      )
      .run(cutoff, limit).changes;
  }
}
