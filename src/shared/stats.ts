/** A container's resource use, decoded from one engine stats sample (REST and Socket.IO). */
export interface ContainerStats {
  cpu_percent: number;
  online_cpus: number;
  memory: { usage_bytes: number; limit_bytes: number; percent: number };
  network: { rx_bytes: number; tx_bytes: number };
  block_io: { read_bytes: number; write_bytes: number };
  pids: number;
  read: string;
}
