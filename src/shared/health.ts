/** Payloads of the health and readiness routes. */
export interface Health {
  status: 'ok';
  version: string;
  pid: number;
  worker: number;
  uptime_s: number;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
  engine?: EngineStatus;
}

/** The engine connection as a worker sees it. */
export interface EngineStatus {
  connected: boolean;
  detail: string;
  containers: number;
  /** Engine events applied to the model (each once, replays skipped). */
  events_applied: number;
  reconnects: number;
  /** Engine event time to model update, for the last event. */
  last_event_lag_ms: number | null;
}
