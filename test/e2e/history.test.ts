/**
 * History in headless Chromium against the real dwi and the private engine: a crash's badge in
 * the list and its report with the last lines after the container is gone; the timeline with
 * who did what, live; the metrics history on the container page with a range picked by
 * dragging; webhook rules and their deliveries for admins, to a receiver on loopback.
 * Accessibility and screenshots in every look.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { dockerCli, runShell } from '../support/engine.js';
import { LOOKS, rowWith, screenshotAndAudit, WebApp } from '../support/web-session.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
/** Every container here starts with this, so filters show ours alone (the engine is shared). */
const prefix = `e2ehi${Math.random().toString(36).slice(2, 6)}`;
const CRASHED = `${prefix}-crashed`;
const WATCHED = `${prefix}-watched`;
const HOOKED = `${prefix}-hooked`;
const made = [CRASHED, WATCHED, HOOKED];

let app: WebApp;
let receiver: Server;
let received: string[] = [];
let receiverUrl: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // A sample a second: the history has points within the test's time.
  app = await WebApp.start({ env: { DWI_METRICS_INTERVAL: '1' } });
  runShell(engine, WATCHED, 'while :; do echo tick; sleep 1; done');
});

afterAll(async () => {
  spawnSync('docker', ['-H', engine.host, 'rm', '-f', ...made]);
  await new Promise((resolve) => receiver.close(resolve));
});

async function crashOnce(name: string, lines = 30): Promise<void> {
  runShell(
    engine,
    name,
    `for i in $(seq 1 ${lines}); do echo "line $i of ${name}"; done; sleep 0.2; echo "fatal: no config" >&2; exit 3`,
  );
}

it('marks a crashed container in the list and keeps its last lines after it is removed', async () => {
  const { context, page, errors } = await app.open();
  await page.goto(app.base);
  await page.getByLabel('Filter containers').fill(prefix);
  await crashOnce(CRASHED);
  // The badge comes live (crash_report), without a reload.
  const badge = rowWith(page, CRASHED).getByRole('link', { name: /^crashed/ });
  await badge.waitFor({ timeout: 30_000 });
  expect(await badge.textContent()).toContain(`${CRASHED} exited with code 3`);

  docker('rm', '-f', CRASHED);
  await rowWith(page, CRASHED).waitFor({ state: 'detached' });
  await page.getByRole('link', { name: 'History' }).click();
  await page.getByRole('link', { name: 'Crash reports' }).click();
  await rowWith(page, CRASHED).getByRole('link', { name: CRASHED }).click();

  await page.getByRole('heading', { name: `${CRASHED} exited with code 3` }).waitFor();
  await page.getByText('The container is gone; this report keeps what it last said.').waitFor();
  const lines = page.getByRole('region', { name: `Last lines of ${CRASHED}` });
  // Rendered as the log viewer renders lines: time, text, stderr marked.
  await lines.getByText(`line 30 of ${CRASHED}`).waitFor();
  const last = lines.locator('[data-stderr]');
  expect(await last.count()).toBe(1);
  expect(await last.textContent()).toContain('fatal: no config');
  expect(await lines.getByText(/^line \d+ of /).count()).toBe(30);
  expect(errors).toEqual([]);
  await context.close();
});

it('puts a change from the CLI and one made through dwi on the timeline, with who made it, live', async () => {
  const { context, page, errors } = await app.open();
  await page.goto(`${app.base}/timeline`);
  await page.getByLabel('Container or name').fill(WATCHED);
  await page.getByRole('button', { name: 'Apply' }).click();
  const table = page.getByRole('table', { name: 'Engine events, newest first' });
  // Started with the docker CLI: outside dwi.
  await rowWith(table, 'start').filter({ hasText: 'outside' }).first().waitFor();

  const navigations: string[] = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  // Stopped through dwi by the admin (as the UI does it): the row arrives with the user.
  await app.api('POST', `/api/containers/${WATCHED}/stop?timeout=1`);
  await rowWith(table, 'stop').filter({ hasText: 'admin' }).first().waitFor({ timeout: 15_000 });
  await rowWith(table, 'die').filter({ hasText: 'admin' }).first().waitFor();
  expect(navigations).toEqual([]);
  docker('start', WATCHED);
  await rowWith(table, 'start').filter({ hasText: 'outside' }).nth(1).waitFor();
  expect(errors).toEqual([]);
  await context.close();
});

/** The history's CPU chart on a container's overview. */
const cpuChart = (page: Page) =>
  page
    .getByRole('region', { name: 'History', exact: true })
    .getByRole('figure')
    .filter({ hasText: 'CPU' });

it("draws a running container's metrics history, and a drag across it picks a shorter range", async () => {
  const { context, page, errors } = await app.open();
  await page.goto(`${app.base}/containers/${WATCHED}`);
  const history = page.getByRole('region', { name: 'History', exact: true });
  await history.waitFor();
  // A few samples a second apart, read again by picking the hour anew.
  await expect
    .poll(
      async () => {
        await history.getByRole('button', { name: '1 h', exact: true }).click();
        return Number(await cpuChart(page).getAttribute('data-samples'));
      },
      { timeout: 30_000, interval: 2000 },
    )
    .toBeGreaterThan(2);
  expect(
    await history.getByRole('button', { name: '1 h', exact: true }).getAttribute('aria-pressed'),
  ).toBe('true');
  await history.getByText('a point every 10 s').waitFor();
  // Drag across the last tenth of the hour, where its samples are (it has run a minute or so).
  const plot = cpuChart(page).locator('.u-over');
  // The mouse acts on what is on screen: the history is below the live charts.
  await plot.scrollIntoViewIfNeeded();
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await history.getByRole('button', { name: 'Back to 1 h' }).waitFor();
  expect(
    await history.getByRole('button', { name: '1 h', exact: true }).getAttribute('aria-pressed'),
  ).toBe('false');
  // Six minutes or so, read again at a finer step (the server samples every second here).
  const step = async () =>
    Number(/a point every (\d+) s/.exec((await history.textContent()) ?? '')?.[1] ?? NaN);
  await expect.poll(step, { timeout: 15_000 }).toBeLessThan(10);
  await expect
    .poll(async () => Number(await cpuChart(page).getAttribute('data-samples')), {
      timeout: 15_000,
    })
    .toBeGreaterThan(0);
  await history.getByRole('button', { name: 'Back to 1 h' }).click();
  await history.getByRole('button', { name: '1 h', exact: true, pressed: true }).waitFor();
  expect(errors).toEqual([]);
  await context.close();
});

it('lets an admin add a webhook, and shows its delivery to a receiver on loopback', async () => {
  received = [];
  const { context, page, errors } = await app.open();
  await page.goto(`${app.base}/admin/webhooks`);
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
  await dialog.getByLabel('Name', { exact: true }).fill('loopback');
  await dialog.getByLabel('URL').fill(receiverUrl);
  await dialog.getByLabel('Format').selectOption('generic');
  await dialog.getByLabel(/name contains/).fill(HOOKED);
  await dialog.getByRole('button', { name: 'Add webhook' }).click();
  await page.getByText('Added the webhook loopback.').waitFor();
  const rule = rowWith(page, 'loopback');
  await rule.getByText(`names with “${HOOKED}”`).waitFor();

  await crashOnce(HOOKED, 3);
  await expect.poll(() => received.length, { timeout: 30_000 }).toBe(1);
  expect(JSON.parse(received[0]!)).toMatchObject({
    event: 'crash_report',
    report: { container_name: HOOKED, exit_code: 3 },
  });
  await rule.getByRole('button', { name: 'Deliveries of loopback' }).click();
  const deliveries = page.getByRole('table', { name: 'Deliveries of loopback, newest first' });
  await rowWith(deliveries, HOOKED)
    .getByText(/^delivered/)
    .waitFor({ timeout: 15_000 });
  expect(errors).toEqual([]);
  await context.close();
});

it.each(LOOKS)(
  'has no serious accessibility violations: %s (with screenshots)',
  async (label, look) => {
    const { context, page, errors } = await app.open(look);
    await page.goto(`${app.base}/timeline`);
    await page.getByRole('table', { name: 'Engine events, newest first' }).waitFor();
    await screenshotAndAudit(page, `history-timeline-${label}`);
    await page.goto(`${app.base}/crashes`);
    await page.getByRole('link', { name: CRASHED }).first().click();
    await page.getByRole('region', { name: `Last lines of ${CRASHED}` }).waitFor();
    await screenshotAndAudit(page, `history-crash-${label}`);
    await page.goto(`${app.base}/containers/${WATCHED}`);
    await expect
      .poll(async () => Number(await cpuChart(page).getAttribute('data-samples')), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    await screenshotAndAudit(page, `history-metrics-${label}`);
    await page.goto(`${app.base}/admin/webhooks`);
    await rowWith(page, 'loopback').waitFor();
    await screenshotAndAudit(page, `history-webhooks-${label}`);
    expect(errors).toEqual([]);
    await context.close();
  },
);
