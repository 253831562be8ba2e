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
  detail: z
    .string()
    .describe(
      'connected, connecting, or why the engine cannot be reached, naming the address tried.',
    ),
  address: z.string().describe('The engine dwi talks to: the docker_host setting.'),
  advice: z
    .array(z.string())
    .describe(
      'While the engine cannot be reached, what to do, one step or choice each (start it, point dwi elsewhere, grant access to its socket); empty while connected.',
    ),
  error_code: z
    .string()
    .nullable()
    .describe('While the engine cannot be reached: the socket error (ENOENT, EACCES, ...).'),
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
