/**
 * A file's own private engine with a `dwi` on it, for the files whose tests would disturb the
 * engine every other file shares (a prune takes whatever is unused, a restart stops it).
 */
import { afterAll, beforeAll } from 'vitest';
import { dockerCli, startTestEngine, stopTestEngine, type TestEngine } from '../engine/engine.js';
import { Dwi, freePort } from './harness.js';

/** Set before the file's tests run. */
export class OwnEngine {
  engine!: TestEngine;
  dwi!: Dwi;
  /** dwi's address: http://127.0.0.1:PORT. */
  base!: string;
  /** `docker -H <this engine> ...args`; its output, trimmed. */
  readonly docker = (...args: string[]): string => dockerCli(this.engine, args);
}

/** What `prepare` may add to dwi's command line and environment. */
export interface DwiOptions {
  args?: string[];
  env?: Record<string, string>;
}

/**
 * Before the file's tests: starts the engine, runs `prepare` (which fills it, say), then starts
 * dwi on a free loopback port against it. After them: stops dwi, then the engine; a file's own
 * `afterAll` runs before (vitest runs them in reverse order), with both still up.
 */
export function useOwnEngine(
  prepare?: (own: OwnEngine) => DwiOptions | void | Promise<DwiOptions | void>,
): OwnEngine {
  const own = new OwnEngine();
  beforeAll(async () => {
    own.engine = await startTestEngine();
    const { args = [], env = {} } = (await prepare?.(own)) ?? {};
    const port = await freePort();
    own.base = `http://127.0.0.1:${port}`;
    own.dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, ...args], {
      env: { DWI_DOCKER_HOST: own.engine.host, ...env },
    });
  });
  afterAll(async () => {
    await own.dwi?.stop();
    if (own.engine !== undefined) await stopTestEngine(own.engine);
  });
  return own;
}
