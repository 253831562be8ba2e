/**
 * How long a worker's event loop was held: the longest stretch it ran on the CPU without a turn.
 * prom-client's nodejs_eventloop_lag_max_seconds (monitorEventLoopDelay) counts wall time, so on
 * a busy host it also counts the time the process merely waited for a core; here a late tick
 * counts only as far as the process used the CPU meanwhile, which a blocked loop does and a
 * waiting one does not.
 */
const TICK_MS = 10;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export class LoopHoldMonitor {
  private longest = 0;
  private lastWall = performance.now();
  private lastCpu = cpuMs();
  private readonly timer = setInterval(() => this.tick(), TICK_MS).unref();

  private tick(): void {
    const wall = performance.now();
    const cpu = cpuMs();
    const late = wall - this.lastWall - TICK_MS;
    this.longest = Math.max(this.longest, Math.min(late, cpu - this.lastCpu));
    this.lastWall = wall;
    this.lastCpu = cpu;
  }

  /** The longest hold since the last call, in ms; starts counting again. */
  takeLongestMs(): number {
    this.tick();
    const longest = this.longest;
    this.longest = 0;
    return longest;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
