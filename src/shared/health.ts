/** Payloads of the health and readiness routes. */
import { z } from 'zod';

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  pid: z.int(),
  worker: z.int(),
  uptime_s: z.int(),
});
export type Health = z.infer<typeof HealthSchema>;

/** The engine connection as a worker sees it. */
export const EngineStatusSchema = z.object({
  connected: z.boolean(),
  detail: z.string(),
  containers: z.int(),
  events_applied: z
    .int()
    .describe('Engine events applied to the model (each once, replays skipped).'),
  reconnects: z.int(),
  outages: z
    .int()
    .describe('Times the engine went from connected to unavailable (503 to clients) since start.'),
  last_event_lag_ms: z
    .number()
    .nullable()
    .describe('Engine event time to model update, for the last event.'),
});
export type EngineStatus = z.infer<typeof EngineStatusSchema>;

export const ReadinessSchema = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
  engine: EngineStatusSchema.optional(),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
