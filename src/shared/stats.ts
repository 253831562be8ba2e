/** A container's resource use, decoded from one engine stats sample (REST and Socket.IO). */
import { z } from 'zod';

export const ContainerStatsSchema = z.object({
  cpu_percent: z.number(),
  online_cpus: z.int(),
  memory: z.object({ usage_bytes: z.int(), limit_bytes: z.int(), percent: z.number() }),
  network: z.object({ rx_bytes: z.int(), tx_bytes: z.int() }),
  block_io: z.object({ read_bytes: z.int(), write_bytes: z.int() }),
  pids: z.int(),
  read: z.string().describe('When the engine took the sample (RFC 3339).'),
});
export type ContainerStats = z.infer<typeof ContainerStatsSchema>;
