/**
 * The one place that talks to Docker (only engine/ imports dockerode): the model kept in sync
 * by events (sync.ts) and the operations (operations.ts), joined for one worker.
 */
import type { Logger } from 'pino';
import { createClient, type EngineSettings } from './client.js';
import { EngineOperations } from './operations.js';
import type { EngineApi } from './ports.js';
import type { Settings } from '../config/settings.js';

/** How much of a log one request may read (config/sections/logs.ts). */
type LogBoundSettings = Pick<
  Settings,
  | 'log_tail_max_lines'
  | 'log_tail_max_bytes'
  | 'log_search_max_lines'
  | 'log_search_max_bytes'
  | 'log_search_timeout'
>;
import { EngineSync } from './sync.js';

export type Engine = EngineApi & {
  /**
   * Connects and follows the engine's events until stop(). Resolves once the first try has
   * connected or failed, so a worker that waits answers from its model, never "connecting".
   */
  start(): Promise<void>;
  stop(): void;
};

export function createEngine(settings: EngineSettings & LogBoundSettings, log: Logger): Engine {
  const docker = createClient(settings);
  const sync = new EngineSync(docker, log, settings.docker_host);
  const operations = new EngineOperations(docker, sync, {
    tail: { lines: settings.log_tail_max_lines, bytes: settings.log_tail_max_bytes },
    search: {
      lines: settings.log_search_max_lines,
      bytes: settings.log_search_max_bytes,
      seconds: settings.log_search_timeout,
    },
  });
  return {
    containers: sync.containers,
    status: () => sync.status(),
    ensureConnected: () => sync.ensureConnected(),
    get connections() {
      return sync.connections;
    },
    start: () => sync.start(),
    stop: () => sync.stop(),
    calls: operations.calls,
    inspect: (...args) => operations.inspect(...args),
    logs: (...args) => operations.logs(...args),
    searchLogs: (...args) => operations.searchLogs(...args),
    downloadLogs: (...args) => operations.downloadLogs(...args),
    act: (...args) => operations.act(...args),
    rebuild: (...args) => operations.rebuild(...args),
    stats: (...args) => operations.stats(...args),
    images: () => operations.images(),
    removeImage: (...args) => operations.removeImage(...args),
    prune: (...args) => operations.prune(...args),
    previewPrune: (...args) => operations.previewPrune(...args),
    confirmPrune: (...args) => operations.confirmPrune(...args),
    follow: (...args) => operations.follow(...args),
    followStats: (...args) => operations.followStats(...args),
    onAction: (...args) => operations.onAction(...args),
    exec: (...args) => operations.exec(...args),
    onEvent: (...args) => sync.onEvent(...args),
    eventsSince: (...args) => operations.eventsSince(...args),
    statsTotals: (...args) => operations.statsTotals(...args),
  };
}
