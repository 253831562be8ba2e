/** Starts the server: the supervisor's primary with this application on both sides. */
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../config/load.js';
import { Arbiter } from '../supervisor/arbiter.js';
import { createPrimaryApp } from './primary.js';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-entry.js', import.meta.url));

/** Runs until the server stops; resolves with the process exit code. */
export function serve(loaded: LoadedConfig, reload: () => Promise<LoadedConfig>): Promise<number> {
  return new Arbiter(loaded, reload, createPrimaryApp(loaded.adminPassword), WORKER_ENTRY).run();
}
