import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startTestEngine, stopTestEngine } from './support/engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DOCKER_HOST of the private test engine. */
    dockerHost: string;
  }
}

/**
 * Integration tests start dist/server/cli.js (`npm test` builds it first) against one private
 * Docker engine, started here for the whole run and stopped by its pidfile at the end.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(new URL('../dist/server/cli.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  }
  const engine = await startTestEngine();
  project.provide('dockerHost', engine.host);
  return () => stopTestEngine(engine);
}
