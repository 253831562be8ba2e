/**
 * The README's pictures, taken of the real thing: an engine of this file's own seeded like a
 * small production host (two compose projects, standalone containers in every state, an API
 * that logs in colour with a long history, images of several versions, something to prune),
 * dwi with authentication on, each main page in light and dark at 1280×800, then the log
 * viewer's tour step by step. Before each shot the test checks what it shows: the content is
 * there, nothing is loading, no error is shown, and axe finds nothing serious.
 * `npm run screenshots` (DOCS_SCREENSHOTS=1) writes them into docs/screenshots/; a plain run
 * writes them into test/e2e/screenshots/docs/, so tests never change the tree.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeLabels } from '../../src/server/demo/seed.js';
import { docsScreenshot, seriousViolations } from '../support/browser.js';
import {
  dockerCli,
  startTestEngine,
  stopTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../support/engine.js';
import { until } from '../support/http.js';
import { rowWith, testUser, WebApp } from '../support/web-session.js';

let engine: TestEngine;
let app: WebApp;
const docker = (...args: string[]) => dockerCli(engine, args);

/** The API's log: this many lines of history written at start, then about four lines a second. */
const HISTORY = 30_000;
/** Only in the old part of the API's log, far before the last 5,000 lines the viewer loads. */
const OLD_FAILURE = 'TLS certificate expired';
const OLD_FAILURE_LINES = [1_500, 17_000];

/**
 * Access log lines, colours, JSON lines, warnings and errors, old ones and live (the live errors
 * to stderr). The old ones all go to stdout: the engine stamps each line as it reads its pipe,
 * so a line sent to stderr behind a backlog of stdout would be stamped before lines written
 * ahead of it, and the log would be out of time order there.
 */
const API_SCRIPT = `
awk 'BEGIN {
  for (i = 1; i <= ${HISTORY}; i++) {
    order = 4000 + i
    if (i == ${OLD_FAILURE_LINES[0]} || i == ${OLD_FAILURE_LINES[1]})
      print "\\033[31mERROR\\033[0m payment provider refused order " order ": ${OLD_FAILURE}"
    else if (i % 97 == 0)
      print "\\033[33mWARN\\033[0m slow query on orders took " (300 + i % 700) "ms"
    else if (i % 5 == 0)
      printf "{\\"level\\":\\"info\\",\\"msg\\":\\"order placed\\",\\"order\\":%d,\\"items\\":%d,\\"total_cents\\":%d}\\n", order, 1 + i % 4, 995 + i % 9000
    else
      printf "\\033[32mINFO\\033[0m GET /api/orders/%d \\033[1m200\\033[0m %dms\\n", order, 3 + i % 40
  }
}'
i=${HISTORY}
while true; do
  i=$((i+1)); order=$((4000+i))
  printf '\\033[32mINFO\\033[0m GET /api/orders/%d \\033[1m200\\033[0m %dms\\n' $order $((3 + i % 40))
  [ $((i % 3)) -eq 0 ] && printf '{"level":"info","msg":"order placed","order":%d,"items":%d,"total_cents":%d}\\n' $order $((1 + i % 4)) $((995 + i * 37 % 9000))
  [ $((i % 7)) -eq 0 ] && printf '\\033[33mWARN\\033[0m cache miss rate at %d%%, warming up\\n' $((20 + i % 30))
  [ $((i % 11)) -eq 0 ] && printf '\\033[31mERROR\\033[0m inventory service timed out after 3000ms (order %d)\\n' $order >&2
  sleep 0.4
done`;

const WEB_SCRIPT = `i=0; while true; do i=$((i+1));
  echo "10.0.3.$((i % 200 + 2)) - - \\"GET /products/$((i % 90 + 1)) HTTP/1.1\\" 200 $((2000 + i * 131 % 9000)) $((i % 40 + 3))ms";
  sleep 1; done`;
const WORKER_SCRIPT = `i=0; while true; do i=$((i+1));
  echo "job $i: sent order confirmation e-mail"; [ $((i % 4)) -eq 0 ] && echo "job $i: rebuilt search index in $((i % 9 + 1)).$((i % 10))s";
  sleep 2; done`;
const CACHE_SCRIPT = `echo "cache ready, 256 MB"; while true; do sleep 5; echo "keys: $(date +%s | tail -c 4) hits/s"; done`;
const METRICS_SCRIPT = `while true; do echo "scraped 14 targets in $(date +%N | head -c 2)ms"; sleep 3; done`;

/** A check that passes. */
const HEALTHY = ['--health-cmd', 'true', '--health-interval', '2s'];

/** An image of its own (the test image with a file added), tagged. */
function buildImage(tag: string): void {
  const builder = `build-${tag.replace(/[^a-z0-9]+/g, '-')}`;
  docker('run', '--name', builder, TEST_IMAGE, 'sh', '-c', `echo ${tag} > /IMAGE`);
  docker('commit', builder, tag);
  docker('rm', builder);
}

/** `docker run -d --init [options] --name NAME IMAGE sh -c SCRIPT`. */
function run(name: string, image: string, script: string, options: string[] = []): void {
  docker('run', '-d', '--init', ...options, '--name', name, image, 'sh', '-c', script);
}

const state = (name: string) => docker('inspect', '-f', '{{.State.Status}}', name);
const health = (name: string) =>
  docker('inspect', '-f', '{{if .State.Health}}{{.State.Health.Status}}{{end}}', name);

function seed(): void {
  for (const tag of [
    'acme/shop-web:2.4.1',
    'acme/shop-api:2.4.1',
    'acme/shop-api:2.3.0',
    'acme/shop-worker:2.4.1',
    'acme/cache:7.2',
    'acme/metrics:2.1',
    'acme/backup:0.3',
    // Made, never used since.
    'acme/shop-web:2.3.0',
  ])
    buildImage(tag);
  // An old build, left without a tag: dangling.
  docker('run', '--name', 'old-build', TEST_IMAGE, 'sh', '-c', 'echo 2.2.0 > /IMAGE');
  docker('commit', 'old-build');
  docker('rm', 'old-build');
  // The test image under a name of the host's: its test name would show on every page.
  docker('tag', TEST_IMAGE, 'acme/toolbox:1.0');
  docker('rmi', TEST_IMAGE);

  run('shop-web-1', 'acme/shop-web:2.4.1', WEB_SCRIPT, [
    ...composeLabels('shop', 'web'),
    '-p',
    '127.0.0.1::8080',
    '--restart',
    'unless-stopped',
  ]);
  run('shop-api-1', 'acme/shop-api:2.4.1', API_SCRIPT, [
    ...composeLabels('shop', 'api'),
    ...HEALTHY,
    '--restart',
    'unless-stopped',
    '--memory',
    '256m',
    '-e',
    'LOG_FORMAT=ansi',
    '-e',
    'DATABASE_URL=postgres://shop@shop-db:5432/shop',
    '-e',
    'STRIPE_API_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    '-e',
    'INVENTORY_URL=http://inventory.internal:7000',
    '-v',
    'shop-uploads:/var/lib/shop/uploads',
    '--label',
    'org.opencontainers.image.version=2.4.1',
  ]);
  run('shop-worker-1', 'acme/shop-worker:2.4.1', WORKER_SCRIPT, composeLabels('shop', 'worker'));
  run('shop-cache-1', 'acme/cache:7.2', CACHE_SCRIPT, composeLabels('shop', 'cache'));
  // A one-off that ran the migrations and finished.
  run(
    'shop-migrate-1',
    'acme/shop-api:2.4.1',
    'echo "applying 3 migrations"; echo "migrations done"',
    composeLabels('shop', 'migrate'),
  );
  run('monitoring-metrics-1', 'acme/metrics:2.1', METRICS_SCRIPT, [
    ...composeLabels('monitoring', 'metrics'),
    '-p',
    '127.0.0.1::9090',
  ]);
  run('monitoring-alerts-1', 'acme/metrics:2.1', 'while true; do sleep 10; done', [
    ...composeLabels('monitoring', 'alerts'),
  ]);
  docker('pause', 'monitoring-alerts-1');
  run('nightly-backup', 'acme/backup:0.3', 'echo "backed up 3 volumes (412 MB)"');
  // Crash-loops: starts, fails and exits 1; the engine restarts it with its back-off.
  run(
    'report-mailer',
    'acme/backup:0.3',
    'echo "connecting to smtp.internal:587"; sleep 1; echo "fatal: connection refused" >&2; exit 1',
    ['--restart', 'always'],
  );
  // Its check looks for a file that never comes: unhealthy after two failures.
  run(
    'legacy-importer',
    'acme/shop-api:2.3.0',
    'echo "importing from ftp.legacy.internal"; while true; do sleep 5; echo "waiting for files"; done',
    ['--health-cmd', 'test -e /tmp/ok', '--health-interval', '2s', '--health-retries', '2'],
  );
  docker('create', '--name', 'debug-shell', 'acme/toolbox:1.0', 'sh');
}

beforeAll(async () => {
  engine = await startTestEngine();
  seed();
  app = await WebApp.start({
    users: [testUser('olga', 'operator'), testUser('vera', 'viewer')],
    // A sample every 2 s: the container page's history has a line by its picture.
    env: { DWI_DOCKER_HOST: engine.host, DWI_METRICS_INTERVAL: '2' },
  });
  // What an admin's day leaves in the audit log.
  await app.api('POST', '/api/tokens', { name: 'ci deploys', username: 'olga', role: 'operator' });
  await app.api('POST', '/api/tokens', {
    name: 'grafana',
    username: 'vera',
    role: 'viewer',
    expires_in_days: 90,
  });
  await app.api('POST', '/api/containers/shop-worker-1/restart');
  await app.api('POST', '/api/users', { username: 'pete', role: 'operator' });
  // Every state shows before the first picture.
  const states = () =>
    ['shop-migrate-1', 'nightly-backup', 'shop-api-1', 'legacy-importer', 'report-mailer']
      .map((name) => `${name} ${state(name)} ${health(name)}`)
      .join(', ');
  await until(
    () => `the states to settle (${states()})`,
    () =>
      state('shop-migrate-1') === 'exited' &&
      state('nightly-backup') === 'exited' &&
      health('shop-api-1') === 'healthy' &&
      health('legacy-importer') === 'unhealthy' &&
      state('report-mailer') === 'restarting',
    60_000,
    250,
  );
  await until(
    "the API's history to be written and its live lines to begin",
    () =>
      docker('logs', '--tail', '2000', 'shop-api-1').includes(`/api/orders/${4000 + HISTORY + 1} `),
    30_000,
    250,
  );
}, 180_000);

afterAll(async () => {
  await app?.stop();
  if (engine !== undefined) await stopTestEngine(engine);
});

/**
 * What a picture must not show: anything loading (a busy region, a spinner), an error or a
 * banner, a console error, or an axe violation. Then it is taken.
 */
async function shoot(page: Page, errors: string[], name: string): Promise<void> {
  await expect
    .poll(() => page.locator('[aria-busy="true"], [class*="spinner"]').count(), { timeout: 20_000 })
    .toBe(0);
  expect(await page.getByRole('alert').allTextContents(), name).toEqual([]);
  expect(errors, name).toEqual([]);
  expect(JSON.stringify(await seriousViolations(page), null, 1), name).toBe('[]');
  await docsScreenshot(page, name);
}

const THEMES = ['light', 'dark'] as const;
const lines = (page: Page) => page.getByRole('region', { name: 'Log lines' });

describe('the main pages', () => {
  it.each(THEMES)(
    'containers, grouped by project, every state, live figures: %s',
    async (theme) => {
      const { context, page, errors } = await app.open({ colorScheme: theme });
      await page.goto(app.base);
      await page.getByRole('heading', { name: 'Containers', exact: true }).waitFor();
      for (const name of ['shop-api-1', 'monitoring-alerts-1', 'report-mailer', 'debug-shell'])
        await rowWith(page, name).waitFor();
      expect(await rowWith(page, 'monitoring-alerts-1').textContent()).toContain('paused');
      expect(await rowWith(page, 'shop-migrate-1').textContent()).toContain('exited (0)');
      // The running rows' CPU and memory have come.
      await expect
        .poll(() => rowWith(page, 'shop-api-1').textContent(), { timeout: 20_000 })
        .toMatch(/\d+(\.\d+)? ?(KiB|MiB|KB|MB)/);
      await shoot(page, errors, `containers-${theme}`);
      await context.close();
    },
  );

  it.each(THEMES)('the command palette: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(app.base);
    await rowWith(page, 'shop-api-1').waitFor();
    await page.keyboard.press('Control+K');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByLabel('Command').fill('shop');
    await palette.getByRole('option', { name: /^shop-api-1/ }).waitFor();
    await shoot(page, errors, `palette-${theme}`);
    await context.close();
  });

  it.each(THEMES)('a container: overview with live stats: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/containers/shop-api-1`);
    await page.getByRole('heading', { level: 1, name: 'shop-api-1' }).waitFor();
    await page.getByRole('table', { name: 'Environment variables' }).waitFor();
    // The secret is masked; the charts have drawn a few samples.
    expect(await page.content()).not.toContain('sk_live_');
    const samples = () =>
      page
        .getByRole('region', { name: 'Resource use' })
        .getByRole('figure')
        .filter({ hasText: 'CPU' })
        .getAttribute('data-samples')
        .then(Number);
    await expect.poll(samples, { timeout: 20_000 }).toBeGreaterThanOrEqual(5);
    await shoot(page, errors, `container-${theme}`);
    await context.close();
  });

  it.each(THEMES)('a container: its log: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/containers/shop-api-1/logs`);
    await lines(page).locator('[data-level="error"]').first().waitFor();
    await lines(page).locator('[data-level="warn"]').first().waitFor();
    await shoot(page, errors, `logs-${theme}`);
    await context.close();
  });

  it.each(THEMES)('a container: its terminal: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/containers/shop-api-1/terminal`);
    await expect
      .poll(() => page.getByRole('status').last().textContent(), { timeout: 30_000 })
      .toBe('Running /bin/sh');
    const screen = () => page.locator('.xterm-rows').innerText();
    await expect.poll(screen, { timeout: 15_000 }).toContain('/ #');
    await page.getByRole('textbox', { name: 'Terminal input' }).focus();
    await page.keyboard.type('cat /IMAGE; ls /; df -h /; free -m');
    await page.keyboard.press('Enter');
    await expect
      .poll(screen, { timeout: 15_000 })
      .toMatch(/acme\/shop-api:2\.4\.1[\s\S]*Filesystem[\s\S]*Mem:/);
    await shoot(page, errors, `terminal-${theme}`);
    await context.close();
  });

  it.each(THEMES)('a compose project, with its merged logs: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/projects/shop`);
    await page.getByRole('heading', { name: 'shop', exact: true }).waitFor();
    const table = page.getByRole('table', { name: 'Containers of shop' });
    for (const name of ['shop-web-1', 'shop-api-1', 'shop-worker-1', 'shop-migrate-1'])
      await rowWith(table, name).waitFor();
    await lines(page)
      .getByText(/GET \/products\//)
      .first()
      .waitFor();
    await lines(page)
      .getByText(/job \d+/)
      .first()
      .waitFor();
    await shoot(page, errors, `project-${theme}`);
    await context.close();
  });

  it.each(THEMES)('images: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/images`);
    const table = page.getByRole('table', { name: 'Images' });
    await table.waitFor();
    await rowWith(table, 'acme/shop-api:2.3.0').waitFor();
    await rowWith(table, 'dangling').waitFor();
    await expect
      .poll(() => rowWith(table, 'acme/shop-api:2.4.1').textContent())
      .toContain('1 running of 2');
    await shoot(page, errors, `images-${theme}`);
    await context.close();
  });

  it.each(THEMES)('the prune preview: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/prune`);
    await page.getByRole('heading', { name: 'Prune', exact: true }).waitFor();
    await page.getByRole('radio', { name: 'Stopped containers' }).check();
    const preview = page.getByRole('table', { name: 'Would be removed' });
    for (const name of ['shop-migrate-1', 'nightly-backup', 'debug-shell'])
      await preview.getByText(name).waitFor();
    await shoot(page, errors, `prune-${theme}`);
    await context.close();
  });

  it.each(THEMES)('admin: the audit log: %s', async (theme) => {
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/admin/audit`);
    await page.getByRole('heading', { name: 'Audit log', exact: true }).waitFor();
    const audit = page.getByRole('table', { name: 'Audit rows, newest first' });
    await audit.getByText(/token \w+ for olga/).waitFor();
    await audit.getByText(/token \w+ for vera/).waitFor();
    await shoot(page, errors, `admin-audit-${theme}`);
    await context.close();
  });
});

describe('history', () => {
  it.each(THEMES)("the timeline: the CLI's changes and an admin's: %s", async (theme) => {
    // An admin's stop and start, credited to them, among the crash loop's outside restarts.
    await app.api('POST', '/api/containers/nightly-backup/start');
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/timeline`);
    const table = page.getByRole('table', { name: 'Engine events, newest first' });
    await rowWith(table, 'nightly-backup').filter({ hasText: 'admin' }).first().waitFor();
    await rowWith(table, 'report-mailer').filter({ hasText: 'outside' }).first().waitFor();
    await shoot(page, errors, `timeline-${theme}`);
    await context.close();
  });

  it.each(THEMES)("a crash report: the crash-looping mailer's last lines: %s", async (theme) => {
    // The loop's next exit after dwi started makes the report (the engine backs off up to 1 min).
    await until(
      'a crash report of report-mailer',
      async () =>
        ((await app.api('GET', '/api/crashes?container=report-mailer')) as { crashes: unknown[] })
          .crashes.length > 0,
      90_000,
      500,
    );
    const { context, page, errors } = await app.open({ colorScheme: theme });
    await page.goto(`${app.base}/crashes`);
    await page.getByRole('link', { name: 'report-mailer' }).first().click();
    await page.getByRole('heading', { name: 'report-mailer exited with code 1' }).waitFor();
    const last = page.getByRole('region', { name: 'Last lines of report-mailer' });
    await last.getByText('fatal: connection refused').first().waitFor();
    await shoot(page, errors, `crash-${theme}`);
    await context.close();
  });
});

describe('the log viewer, step by step', () => {
  it('follows live, and counts the new lines while scrolled up', async () => {
    const { context, page, errors } = await app.open();
    await page.goto(`${app.base}/containers/shop-api-1/logs`);
    await lines(page).locator('[data-level="error"]').first().waitFor();
    await page.getByRole('button', { name: 'Following' }).waitFor();
    // Scrolling up pauses; the button counts what arrives meanwhile.
    await lines(page).hover();
    await page.mouse.wheel(0, -400);
    const counter = page.getByRole('button', { name: /new lines/ });
    await expect
      .poll(async () => Number((await counter.textContent())?.replace(/\D/g, '') ?? 0), {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(8);
    expect(await page.getByRole('status').first().textContent()).toContain('Live, paused');
    await shoot(page, errors, 'tour-1-follow');
    await context.close();
  });

  it('colours, levels and JSON lines', async () => {
    const { context, page, errors } = await app.open();
    await page.goto(`${app.base}/containers/shop-api-1/logs`);
    await lines(page).locator('[data-level="warn"]').first().waitFor();
    await page.getByRole('button', { name: 'Following' }).click();
    // One in the middle of the screen, so that all of it shows.
    const json = lines(page).getByRole('button', { name: 'Expand JSON' });
    await json.nth(Math.floor((await json.count()) / 2)).click();
    expect(await lines(page).locator('pre').first().innerText()).toContain('"msg": "order placed"');
    expect(await lines(page).innerText()).not.toContain('\u001b');
    await shoot(page, errors, 'tour-2-colours');
    await context.close();
  });

  it('searches the whole log on the server, and jumps to an old match with its context', async () => {
    const { context, page, errors } = await app.open();
    await page.goto(`${app.base}/containers/shop-api-1/logs`);
    await lines(page).locator('[data-level="error"]').first().waitFor();
    expect(await lines(page).innerText()).not.toContain(OLD_FAILURE);
    await page.getByRole('button', { name: 'Search log' }).click();
    const search = page.getByRole('searchbox', { name: 'Search the whole log' });
    await search.fill(OLD_FAILURE);
    await search.press('Enter');
    const matches = page.getByRole('list', { name: 'Matches' }).getByRole('button');
    await expect.poll(() => matches.count(), { timeout: 30_000 }).toBe(OLD_FAILURE_LINES.length);
    await shoot(page, errors, 'tour-3-search');

    await matches.filter({ hasText: `order ${4000 + OLD_FAILURE_LINES[0]!}` }).click();
    const target = lines(page).locator('[data-target]');
    await target.filter({ hasText: OLD_FAILURE }).waitFor({ timeout: 30_000 });
    await expect.poll(() => target.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Back to live' }).waitFor();
    await shoot(page, errors, 'tour-4-jump');
    await context.close();
  });

  it('jumps to a time', async () => {
    const { context, page, errors } = await app.open();
    await page.goto(`${app.base}/containers/shop-api-1/logs`);
    await lines(page).locator('[data-level="error"]').first().waitFor();
    const jump = page.getByLabel('Jump to local time');
    // Half a minute before the newest line, in the page's own zone.
    const earlier = await page.evaluate(
      (newest) => {
        const when = new Date(new Date(newest).getTime() - 30_000);
        const two = (n: number) => String(n).padStart(2, '0');
        return `${when.getFullYear()}-${two(when.getMonth() + 1)}-${two(when.getDate())}T${two(when.getHours())}:${two(when.getMinutes())}:${two(when.getSeconds())}`;
      },
      await jump.inputValue(),
    );
    await jump.fill(earlier);
    await page.getByRole('button', { name: 'Go', exact: true }).click();
    await page.getByRole('button', { name: 'Back to live' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toMatch(/^History/);
    await shoot(page, errors, 'tour-5-time');
    await context.close();
  });

  it('keeps stderr only, and downloads what the filter shows', async () => {
    const { context, page, errors } = await app.open({ acceptDownloads: true });
    await page.goto(`${app.base}/containers/shop-api-1/logs`);
    await lines(page).locator('[data-level="error"]').first().waitFor();
    await page
      .getByRole('group', { name: 'Stream' })
      .getByRole('button', { name: 'stderr' })
      .click();
    await expect.poll(async () => (await lines(page).innerText()).includes('INFO')).toBe(false);
    expect(await lines(page).locator('[data-stderr]').count()).toBeGreaterThan(0);
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByRole('link', { name: 'Download shown' }).click(),
    ]);
    const text = readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n');
    expect(text.length).toBeGreaterThan(0);
    expect(text.every((line) => line.includes('ERROR'))).toBe(true);
    await shoot(page, errors, 'tour-6-stderr');
    await context.close();
  });
});
