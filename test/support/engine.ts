/**
 * The private, throwaway Docker engine of the tests: the demo's (src/server/demo/engine.ts: its
 * own socket, data root, exec root, pidfile and bridge, stopped by its pidfile, cleaned up by a
 * watcher should the run be aborted), with the test image in it, and the docker CLI helpers.
 */
import {
  docker as dockerCli,
  importBusyboxImage,
  startPrivateEngine,
  stopPrivateEngine,
  type PrivateEngine,
} from '../../src/server/demo/engine.js';

export { dockerCli };
export {
  startDaemon,
  stopDaemon,
  stopPrivateEngine as stopTestEngine,
} from '../../src/server/demo/engine.js';
export type TestEngine = PrivateEngine;

export const TEST_IMAGE = 'dwi-test/busybox:1';

const BUSYBOX_TOOLS = [
  'sh',
  'sleep',
  'echo',
  'cat',
  'ls',
  'true',
  'false',
  'seq',
  'yes',
  'head',
  'date',
  'kill',
  'env',
  'printf',
  'dd',
  'top',
  'wc',
];

/**
 * `docker run` options of a health check that passes once /ok exists. Failures in the start
 * period do not count, so the container stays "starting" until the file appears; after that
 * one failure (a second apart) makes it unhealthy.
 */
export const HEALTHY_WHILE_OK = [
  '--health-cmd',
  'test -f /ok',
  '--health-interval',
  '1s',
  '--health-retries',
  '1',
  '--health-start-period',
  '60s',
];

/** A line every 20 ms, numbered: "<word> 1", "<word> 2", ... */
export const counterScript = (word: string) =>
  `i=0; while true; do i=$((i+1)); echo "${word} $i"; sleep 0.02; done`;

/** `docker run -d --init [options] --name NAME TEST_IMAGE sh -c SCRIPT`; the container's id. */
export function runShell(
  engine: Pick<TestEngine, 'host'>,
  name: string,
  script: string,
  options: string[] = [],
): string {
  return dockerCli(engine, [
    'run',
    '-d',
    '--init',
    ...options,
    '--name',
    name,
    TEST_IMAGE,
    'sh',
    '-c',
    script,
  ]);
}

/**
 * Starts a private engine (with `dockerdArgs` besides its own) and imports the test image. If a
 * step fails, whatever was made is removed again and the error says what failed.
 */
export async function startTestEngine(dockerdArgs: string[] = []): Promise<TestEngine> {
  let engine: TestEngine | undefined;
  try {
    engine = await startPrivateEngine('dwi-engine', dockerdArgs);
    importBusyboxImage(engine, TEST_IMAGE, BUSYBOX_TOOLS);
    return engine;
  } catch (err) {
    if (engine !== undefined) await stopPrivateEngine(engine);
    throw new Error(
      `${(err as Error).message}\n` +
        '(scripts/test-host.sh check says what this host lacks; npm run test:setup installs it)',
      { cause: err },
    );
  }
}
