/**
 * What the demo's engine holds, so that every page has something to show: a compose project,
 * a container that logs steadily (ANSI colours, JSON lines, warnings and errors), one that
 * crash-loops and one that is unhealthy. All are busybox shell loops.
 */
import { docker, importBusyboxImage, type PrivateEngine } from './engine.js';

export const DEMO_IMAGE = 'dwi-demo/busybox:1';

const TOOLS = ['sh', 'sleep', 'echo', 'printf', 'date', 'cat', 'test', 'true', 'false', 'env'];

export const DEMO_PROJECT = 'demo-shop';

/** The names the demo gives its containers (the test and the printed summary use them). */
export const DEMO_CONTAINERS = {
  project: ['web', 'api', 'worker'].map((service) => `${DEMO_PROJECT}-${service}-1`),
  logger: 'demo-logger',
  crashLoop: 'demo-crashloop',
  unhealthy: 'demo-unhealthy',
} as const;

const SERVICE_SCRIPTS: Record<string, string> = {
  web: 'i=0; while true; do i=$((i+1)); echo "GET /products/$i 200 $((i % 40 + 3))ms"; sleep 2; done',
  api: 'i=0; while true; do i=$((i+1)); echo "api: served order $i"; sleep 3; done',
  worker: 'while true; do echo "worker: queue empty, waiting"; sleep 5; done',
};

/** Colours and JSON, two lines a second, a warning every 5th and an error every 10th turn. */
const LOGGER_SCRIPT = [
  'i=0',
  'while true; do',
  '  i=$((i+1))',
  `  printf '\\033[32mINFO\\033[0m request %d served in \\033[1m%dms\\033[0m\\n' $i $((i * 37 % 250))`,
  `  printf '{"level":"info","msg":"tick","n":%d,"time":"%s"}\\n' $i "$(date -u +%Y-%m-%dT%H:%M:%SZ)"`,
  `  [ $((i % 5)) -eq 0 ] && printf '\\033[33mWARN\\033[0m slow query took %dms\\n' $((i * 7 % 900 + 300))`,
  `  [ $((i % 10)) -eq 0 ] && printf '\\033[31mERROR\\033[0m upstream timed out after 3000ms\\n' >&2`,
  '  sleep 0.5',
  'done',
].join('\n');

/** Starts, logs a failure and exits 1; the restart policy brings it back, with the engine's back-off. */
const CRASH_SCRIPT =
  'echo "connecting to the database at 10.0.0.5:5432"; sleep 1; echo "fatal: connection refused" >&2; exit 1';

const UNHEALTHY_SCRIPT =
  'echo "serving on :8080"; while true; do sleep 5; echo "still serving"; done';

function runShell(engine: PrivateEngine, name: string, script: string, options: string[] = []) {
  docker(engine, [
    'run',
    '-d',
    '--init',
    '--name',
    name,
    ...options,
    DEMO_IMAGE,
    'sh',
    '-c',
    script,
  ]);
}

/** `docker run` options for the labels compose gives a service's first container. */
export function composeLabels(project: string, service: string): string[] {
  return [
    '--label',
    `com.docker.compose.project=${project}`,
    '--label',
    `com.docker.compose.service=${service}`,
    '--label',
    'com.docker.compose.container-number=1',
    '--label',
    `com.docker.compose.project.working_dir=/srv/${project}`,
  ];
}

export function seed(engine: PrivateEngine): void {
  importBusyboxImage(engine, DEMO_IMAGE, TOOLS);
  for (const [service, script] of Object.entries(SERVICE_SCRIPTS)) {
    runShell(engine, `${DEMO_PROJECT}-${service}-1`, script, composeLabels(DEMO_PROJECT, service));
  }
  runShell(engine, DEMO_CONTAINERS.logger, LOGGER_SCRIPT);
  runShell(engine, DEMO_CONTAINERS.crashLoop, CRASH_SCRIPT, ['--restart', 'always']);
  // The file the check looks for never exists: unhealthy after two failed checks.
  runShell(engine, DEMO_CONTAINERS.unhealthy, UNHEALTHY_SCRIPT, [
    '--health-cmd',
    'test -e /tmp/ready',
    '--health-interval',
    '2s',
    '--health-timeout',
    '1s',
    '--health-retries',
    '2',
  ]);
}
