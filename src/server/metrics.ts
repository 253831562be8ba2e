/**
 * Prometheus metrics: each worker keeps its own (HTTP, engine calls, event lag, model size,
 * database size, process), and a scrape of any worker answers for all of them, added up in the
 * primary.
 */
import {
  AggregatorRegistry,
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from 'prom-client';
import type { EngineStatus } from '../shared/health.js';
import { LoopHoldMonitor } from './loopmonitor.js';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

export interface WorkerMetrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

export interface EngineView {
  status(): EngineStatus;
  readonly calls: ReadonlyMap<string, { ok: number; failed: number; seconds: number }>;
}

export interface LiveView {
  sockets: number;
  logStreams: number;
  statsStreams: number;
}

/** The database's figures (Store.stats). */
export interface StoreView {
  stats(): { bytes: number; rows: Record<string, number> };
}

/** A worker's registry. Creating it also makes the worker answer the primary's collection. */
export function createWorkerMetrics(
  engine: EngineView,
  live: () => LiveView,
  store?: StoreView,
): WorkerMetrics {
  const registry = new Registry();
  AggregatorRegistry.setRegistries([registry]);
  // Answers the primary's requests for this worker's metrics.
  new AggregatorRegistry();
  collectDefaultMetrics({ register: registry });
  const loop = new LoopHoldMonitor();
  new Gauge({
    name: 'dwi_event_loop_held_max_seconds',
    help: 'Longest time the event loop ran without a turn since the last scrape, counting CPU time only (highest over workers).',
    aggregator: 'max',
    registers: [registry],
    collect() {
      this.set(loop.takeLongestMs() / 1000);
    },
  });

  const requests = new Counter({
    name: 'dwi_http_requests_total',
    help: 'HTTP requests answered, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'dwi_http_request_duration_seconds',
    help: 'Time to answer an HTTP request.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'dwi_engine_connected',
    help: 'Whether the Docker engine is connected (lowest over workers).',
    aggregator: 'min',
    registers: [registry],
    collect() {
      this.set(engine.status().connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'dwi_engine_model_containers',
    help: 'Containers in the in-memory model.',
    aggregator: 'max',
    registers: [registry],
    collect() {
      this.set(engine.status().containers);
    },
  });
  new Gauge({
    name: 'dwi_engine_events_applied',
    help: 'Engine events applied to the model since start (each worker applies all; highest shown).',
    aggregator: 'max',
    registers: [registry],
    collect() {
      this.set(engine.status().events_applied);
    },
  });
  new Gauge({
    name: 'dwi_engine_reconnects',
    help: 'Event stream resubscriptions since start (sum over workers).',
    registers: [registry],
    collect() {
      this.set(engine.status().reconnects);
    },
  });
  new Gauge({
    name: 'dwi_engine_outages',
    help: 'Times the engine went from connected to unavailable since start (sum over workers).',
    registers: [registry],
    collect() {
      this.set(engine.status().outages);
    },
  });
  new Gauge({
    name: 'dwi_engine_event_lag_seconds',
    help: 'From the engine event to the model update, last event (highest over workers).',
    aggregator: 'max',
    registers: [registry],
    collect() {
      const lag = engine.status().last_event_lag_ms;
      this.set(lag === null ? 0 : lag / 1000);
    },
  });
  new Gauge({
    name: 'dwi_socketio_clients',
    help: 'Socket.IO clients connected (sum over workers).',
    registers: [registry],
    collect() {
      this.set(live().sockets);
    },
  });
  new Gauge({
    name: 'dwi_log_streams_open',
    help: 'Engine log streams open for Socket.IO subscribers (sum over workers).',
    registers: [registry],
    collect() {
      this.set(live().logStreams);
    },
  });
  new Gauge({
    name: 'dwi_stats_streams_open',
    help: 'Engine stats streams open for Socket.IO watchers (sum over workers).',
    registers: [registry],
    collect() {
      this.set(live().statsStreams);
    },
  });
  new Gauge({
    name: 'dwi_engine_calls',
    help: 'Calls made to the engine since start, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
    collect() {
      for (const [operation, tally] of engine.calls) {
        this.set({ operation, outcome: 'ok' }, tally.ok);
        this.set({ operation, outcome: 'failed' }, tally.failed);
      }
    },
  });
  new Gauge({
    name: 'dwi_engine_call_seconds',
    help: 'Time spent in engine calls since start, by operation.',
    labelNames: ['operation'] as const,
    registers: [registry],
    collect() {
      for (const [operation, tally] of engine.calls) this.set({ operation }, tally.seconds);
    },
  });

  if (store !== undefined) {
    // Every worker sees the same database: each reports it, the highest is shown once. Read
    // once per scrape for both gauges.
    let stats: ReturnType<StoreView['stats']> | undefined;
    new Gauge({
      name: 'dwi_store_size_bytes',
      help: 'Size of the database on disk, its write-ahead log included.',
      aggregator: 'max',
      registers: [registry],
      collect() {
        stats = store.stats();
        this.set(stats.bytes);
      },
    });
    new Gauge({
      name: 'dwi_store_rows',
      help: 'Rows in each table of the database.',
      labelNames: ['table'] as const,
      aggregator: 'max',
      registers: [registry],
      collect() {
        for (const [table, rows] of Object.entries((stats ??= store.stats()).rows))
          this.set({ table }, rows);
        stats = undefined;
      },
    });
  }

  // Labelled children looked up once per combination: this runs on every request.
  const children = new Map<
    string,
    { count: { inc(): void }; time: { observe(v: number): void } }
  >();
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${route} ${status}`;
      let child = children.get(key);
      if (child === undefined) {
        child = {
          count: requests.labels(method, route, String(status)),
          time: duration.labels(method, route),
        };
        children.set(key, child);
      }
      child.count.inc();
      child.time.observe(seconds);
    },
  };
}

/** In the primary: collects every worker's metrics and adds them up. */
export function createClusterMetrics(): { collect(): Promise<string> } {
  const registry = new AggregatorRegistry();
  return { collect: () => registry.clusterMetrics() };
}
