/**
 * Crash reports: a container that died with a non-zero exit code, was killed for memory, or
 * turned unhealthy, with what it last said, kept after the container is removed or re-created.
 * A restart loop is one report with a count.
 */
import { z } from 'zod';

export const CRASH_REASONS = ['exit', 'oom', 'unhealthy'] as const;
export const CrashReasonSchema = z.enum(CRASH_REASONS);
export type CrashReason = z.infer<typeof CrashReasonSchema>;

export const HealthProbeSchema = z.object({
  start: z.string(),
  end: z.string(),
  exit_code: z.int(),
  output: z.string(),
});

export const CrashSummarySchema = z.object({
  id: z.int(),
  container_id: z.string().describe('The container that crashed (the last one, in a loop).'),
  container_name: z.string(),
  project: z.string().nullable().describe('The raw com.docker.compose.project label, if any.'),
  image: z.string(),
  reason: CrashReasonSchema.describe(
    'exit: a non-zero exit code; oom: killed for memory; unhealthy: its health check failed.',
  ),
  exit_code: z.int().nullable(),
  oom_killed: z.boolean(),
  count: z.int().describe('How many times it happened in a row (a restart loop is one report).'),
  first_at: z.string().describe('ISO 8601: the first time.'),
  last_at: z.string().describe('ISO 8601: the latest time.'),
});
export type CrashSummary = z.infer<typeof CrashSummarySchema>;

export const CrashReportSchema = CrashSummarySchema.extend({
  health_log: z
    .array(HealthProbeSchema)
    .describe("The health check's last probes, as the engine keeps them (its last five)."),
  config: z
    .object({
      command: z.array(z.string()).describe('Entrypoint and command, secrets masked.'),
      restart_policy: z.string(),
      restart_count: z.int(),
      memory_limit_bytes: z.int().describe('0: no limit.'),
      started_at: z.string().nullable(),
      finished_at: z.string().nullable(),
    })
    .describe('What the container was, in short, when it crashed.'),
  last_lines: z
    .array(z.string())
    .describe('Its last log lines at that moment, each with its timestamp (oldest first).'),
  streams: z.string().describe("Each line's stream: `1` stdout, `2` stderr."),
  lines_error: z
    .string()
    .nullable()
    .describe('Why the lines could not be read (the container went at once, say); null if read.'),
});
export type CrashReport = z.infer<typeof CrashReportSchema>;

export const CrashPageSchema = z.object({
  crashes: z.array(CrashSummarySchema).describe('Newest report first.'),
  before: z
    .int()
    .nullable()
    .describe('Pass as `before` for the next (older) page; null on the last page.'),
});
