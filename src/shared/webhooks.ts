/**
 * Webhooks: a rule sends crash reports and unhealthy turns that match it to a URL, as Slack-
 * or Discord-compatible JSON or dwi's own, at most once per container per cool-down; every
 * delivery and each of its tries is recorded.
 */
import { z } from 'zod';
import { CRASH_REASONS } from './crashes.js';

export const WEBHOOK_FORMATS = ['slack', 'discord', 'generic'] as const;

export const WebhookRuleInputSchema = z.object({
  name: z.string().min(1).max(100),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .describe('Where to POST: http or https.'),
  format: z.enum(WEBHOOK_FORMATS).describe('slack and discord: their JSON; generic: the report.'),
  reasons: z
    .array(z.enum(CRASH_REASONS))
    .min(1)
    .describe('Which crashes it sends: exit, oom, unhealthy.'),
  pattern: z
    .string()
    .max(200)
    .describe('A container or project name must contain this (case-insensitive); "" for all.'),
  cooldown_s: z
    .int()
    .min(0)
    .max(86_400)
    .describe('Seconds after a delivery for a container before the next for it.'),
  enabled: z.boolean(),
});
export type WebhookRuleInput = z.infer<typeof WebhookRuleInputSchema>;

export const WebhookRuleSchema = WebhookRuleInputSchema.extend({
  id: z.int(),
  created_at: z.string(),
});
export type WebhookRule = z.infer<typeof WebhookRuleSchema>;

export const WebhookDeliverySchema = z.object({
  id: z.int(),
  rule_id: z.int(),
  crash_id: z.int(),
  container_name: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']).describe('failed: every try failed.'),
  attempts: z.int(),
  last_error: z.string().nullable().describe("The last try's failure: HTTP status or error."),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeletedSchema = z.object({ id: z.int(), message: z.string() });
