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
}
