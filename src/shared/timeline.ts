/**
 * The timeline: what happened on the engine (every container, image, network and volume event)
 * and who did it (dwi's own actions carry the user, joined from the audit log). One schema for
 * the REST page, the `timeline_event` Socket.IO event and the web app.
 */
import { z } from 'zod';

export const TIMELINE_TYPES = ['container', 'image', 'network', 'volume'] as const;
export const TimelineTypeSchema = z.enum(TIMELINE_TYPES);
export type TimelineType = z.infer<typeof TimelineTypeSchema>;

export const TimelineEventSchema = z.object({
  id: z.int().describe('Increasing: the cursor of the page after (`before`).'),
  time: z.string().describe('ISO 8601, to the millisecond.'),
  time_nano: z
    .string()
    .describe("The engine's timeNano: nanoseconds since the epoch, as text (past a JSON number)."),
  type: TimelineTypeSchema,
  action: z
    .string()
    .describe('The engine\'s action: "start", "die", "health_status: unhealthy", ...'),
  actor_id: z.string().describe('The container, image, network or volume id.'),
  actor_name: z.string().nullable().describe('Its name (a container, network, volume) or tag.'),
  project: z.string().nullable().describe('The raw com.docker.compose.project label, if any.'),
  origin: z
    .enum(['dwi', 'outside'])
    .describe('"dwi" when a user acted through dwi; "outside" for the docker CLI, compose, ...'),
  username: z.string().nullable().describe('Who acted through dwi; null from outside.'),
  request_id: z.string().nullable().describe("The dwi request's id (as in the audit log)."),
  attributes: z
    .record(z.string(), z.string())
    .describe("The event's attributes (exit code, signal, image, ...), secrets masked."),
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export const TimelinePageSchema = z.object({
  events: z.array(TimelineEventSchema).describe('Newest first.'),
  before: z
    .int()
    .nullable()
    .describe('Pass as `before` for the next (older) page; null on the last page.'),
});
export type TimelinePage = z.infer<typeof TimelinePageSchema>;
