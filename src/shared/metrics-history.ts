/**
 * Metrics history: CPU, memory, network and block I/O of running containers, sampled on the
 * server at a set interval whether anyone watches or not, kept at two steps (10 s for a day,
 * 1 min for a week) and answered as columns a chart takes as they are (uPlot's layout).
 */
import { z } from 'zod';

export const MetricsSeriesSchema = z.object({
  step: z.int().describe('Seconds between two points (the asked step, at least the kept one).'),
  t: z.array(z.int()).describe("Each point's time: unix seconds, the start of its step."),
  cpu_percent: z
    .array(z.number())
    .describe('CPU in percent of one core, averaged over the step (200: two cores busy).'),
  memory_bytes: z.array(z.number()).describe('Memory in use, the highest in the step.'),
  rx_bytes_per_s: z.array(z.number()),
  tx_bytes_per_s: z.array(z.number()),
  read_bytes_per_s: z.array(z.number()),
  write_bytes_per_s: z.array(z.number()),
});
export type MetricsSeries = z.infer<typeof MetricsSeriesSchema>;
