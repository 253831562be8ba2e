/**
 * The Images and Prune pages in headless Chromium against the real dwi (authentication on) and
 * an engine of this file's own (a prune takes every stopped container the engine holds): images
 * with their tags, dangling ones said so, live container counts, delete after a confirmation;
 * the prune preview and a confirm that removes exactly what it listed; what a viewer is offered;
 * accessibility and screenshots in light, dark and at 390 px.
 */
import { spawnSync } from 'node:child_process';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import {
  dockerCli,
  startTestEngine,
  stopTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../support/engine.js';
import { LOOKS, rowWith, screenshotAndAudit, testUser, WebApp } from '../support/web-session.js';

const APP_TAG = 'e2e/app:1';

let engine: TestEngine;
let app: WebApp;
/** The image `docker commit` made without a tag. */
let danglingId: string;
const docker = (...args: string[]) => dockerCli(engine, args);

beforeAll(async () => {
  engine = await startTestEngine();
  docker('run', '-d', '--init', '--name', 'runner', TEST_IMAGE, 'sleep', '600');
  // Stopped, each its way: exited with a code, and created but never started.
  docker('run', '-d', '--name', 'finished', TEST_IMAGE, 'sh', '-c', 'exit 3');
  docker('wait', 'finished');
  docker('create', '--name', 'idle', TEST_IMAGE, 'true');
  docker('commit', 'runner', APP_TAG);
  docker('create', '--name', 'app-user', APP_TAG, 'true');
  // `docker commit` without a name makes an image without a tag.
  danglingId = docker('commit', 'runner');
  app = await WebApp.start({
    users: [testUser('vera', 'viewer')],
    env: { DWI_DOCKER_HOST: engine.host },
  });
  // Two engines (this file's and the run's), dwi and Chromium start here, beside other files.
}, 180_000);

afterAll(async () => {
  // dwi first: it holds a connection to this engine.
  await app?.stop();
  if (engine !== undefined) await stopTestEngine(engine);
});

async function imagesPage(page: Page): Promise<void> {
  await page.goto(`${app.base}/images`);
  await page.getByRole('heading', { name: 'Images' }).waitFor();
  await page.getByRole('table', { name: 'Images' }).waitFor();
}

async function prunePage(page: Page): Promise<void> {
  await page.goto(`${app.base}/prune`);
  await page.getByRole('heading', { name: 'Prune', exact: true }).waitFor();
}

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);
const imageRow = (page: Page, text: string) =>
  rowWith(page.getByRole('table', { name: 'Images' }), text);
const imageExists = (ref: string) =>
  spawnSync('docker', ['-H', engine.host, 'image', 'inspect', ref]).status === 0;
/** The item rows of a prune table (its header row has no index). */
const ITEM_ROWS = '[role="row"][data-index]';
/** The names in a prune table's first column: "container idle a068a3817d1c" -> "idle". */
const itemNames = (table: Locator) =>
  table
    .locator(ITEM_ROWS)
    .evaluateAll((rows) =>
      rows.map((row) => row.querySelector('[role="cell"]')!.textContent!.trim().split(/\s+/)[1]!),
    );
/** The containers the engine holds that are not running, by name. */
const stoppedContainers = () =>
  docker(
    'ps',
    '-a',
    '--filter',
    'status=exited',
    '--filter',
    'status=created',
    '--filter',
    'status=dead',
    '--format',
    '{{.Names}}',
  )
    .split('\n')
    .filter(Boolean)
    .sort();

// First, while the engine holds dangling images and stopped containers to show.
describe('looks and accessibility', () => {
  it.each(LOOKS)(
    'has no serious accessibility violations: %s (with screenshots)',
    async (label, look) => {
      const { context, page, errors } = await app.open(look);
      await imagesPage(page);
      await imageRow(page, TEST_IMAGE).waitFor();
      await screenshotAndAudit(page, `images-${label}`);
      await prunePage(page);
      await page.getByRole('radio', { name: 'Stopped containers' }).check();
      await page.getByRole('table', { name: 'Would be removed' }).waitFor();
      await screenshotAndAudit(page, `prune-${label}`);
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});

describe('the Images page', () => {
  it('shows a dangling image as such, and each image with the containers using it, live', async () => {
    const { context, page, errors } = await app.open();
    await imagesPage(page);
    const dangling = imageRow(page, shortId(danglingId));
    expect(await dangling.textContent()).toContain('dangling');
    // The test image: runner (running), finished and idle (stopped).
    const busybox = imageRow(page, TEST_IMAGE);
    await expect.poll(() => busybox.textContent()).toContain('1 running of 3');
    expect(await imageRow(page, APP_TAG).textContent()).toContain('0 running of 1');
    expect(await dangling.textContent()).toContain('none');
    // A container made with the CLI counts at once, without a reload.
    docker('create', '--name', 'late', TEST_IMAGE, 'true');
    await expect.poll(() => busybox.textContent(), { timeout: 5000 }).toContain('1 running of 4');
    // The filter narrows the table to the dangling images, and is remembered.
    await page.getByRole('button', { name: 'dangling', exact: true }).click();
    await expect
      .poll(() => page.getByRole('table', { name: 'Images' }).getByRole('row').count())
      .toBe(2);
    await page.reload();
    await page.getByRole('table', { name: 'Images' }).waitFor();
    expect(
      await page
        .getByRole('button', { name: 'dangling', exact: true })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await page.getByRole('button', { name: 'dangling', exact: true }).click();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks before deleting, says what will happen, and deletes only when confirmed', async () => {
    const { context, page, errors } = await app.open();
    await imagesPage(page);
    const name = shortId(danglingId);
    const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
    await imageRow(page, name)
      .getByRole('button', { name: `Delete ${name}` })
      .click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Deletes the dangling image');
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await screenshotAndAudit(page, 'images-confirm-light');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(imageExists(danglingId)).toBe(true);

    await imageRow(page, name)
      .getByRole('button', { name: `Delete ${name}` })
      .click();
    await dialog.getByRole('button', { name: `Delete ${name}` }).click();
    await imageRow(page, name).waitFor({ state: 'detached', timeout: 15_000 });
    expect(imageExists(danglingId)).toBe(false);
    // The result stays on the page, with its request id, after its row has gone.
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: name }).textContent())
      .toMatch(/deleted \d+ layer.*request [0-9a-f]{8}/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('deletes an image a stopped container uses only with force, and says so first', async () => {
    const { context, page, errors } = await app.open();
    await imagesPage(page);
    const dialog = page.getByRole('dialog', { name: `Delete ${APP_TAG}?` });
    await imageRow(page, APP_TAG)
      .getByRole('button', { name: `Delete ${APP_TAG}` })
      .click();
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Stopped containers use it (app-user)');
    const confirm = dialog.getByRole('button', { name: `Delete ${APP_TAG}` });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/^Force/).check();
    expect(await dialog.textContent()).toContain('with force it goes all the same');
    await confirm.click();
    await imageRow(page, APP_TAG).waitFor({ state: 'detached', timeout: 15_000 });
    expect(imageExists(APP_TAG)).toBe(false);
    expect(docker('inspect', '-f', '{{.State.Status}}', 'app-user')).toBe('created');

    // Removed from the CLI while the dialog was open: the engine's error stays on the page.
    const gone = docker('commit', 'runner', 'e2e/gone:1');
    await page.getByRole('button', { name: 'Read again' }).click();
    await imageRow(page, 'e2e/gone:1').getByRole('button', { name: 'Delete e2e/gone:1' }).click();
    const goneDialog = page.getByRole('dialog', { name: 'Delete e2e/gone:1?' });
    await goneDialog.waitFor();
    docker('rmi', gone);
    await goneDialog.getByRole('button', { name: 'Delete e2e/gone:1' }).click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'e2e/gone:1' }).textContent())
      .toMatch(/No such image.*request [0-9a-f]{8}/i);

    // An image a running container uses cannot go, even with force: not offered.
    await imageRow(page, TEST_IMAGE)
      .getByRole('button', { name: `Delete ${TEST_IMAGE}` })
      .click();
    const refused = page.getByRole('dialog', { name: `Delete ${TEST_IMAGE}?` });
    await refused.waitFor();
    expect(await refused.textContent()).toContain('Running containers use');
    expect(await refused.getByRole('button', { name: `Delete ${TEST_IMAGE}` }).isDisabled()).toBe(
      true,
    );
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the Prune page', () => {
  it('previews exactly the stopped containers the engine holds, and removes exactly those', async () => {
    const { context, page, errors } = await app.open();
    await prunePage(page);
    await page.getByRole('radio', { name: 'Stopped containers' }).check();
    const stopped = stoppedContainers();
    expect(stopped).toEqual(['app-user', 'finished', 'idle', 'late']);
    const preview = page.getByRole('table', { name: 'Would be removed' });
    await preview.waitFor();
    expect((await itemNames(preview)).sort()).toEqual(stopped);
    expect(await preview.textContent()).toContain('exited (3)');
    await screenshotAndAudit(page, 'prune-preview-light');

    await page.getByRole('button', { name: /^Remove 4 items/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove 4 containers?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Removes exactly the 4 items listed');
    await dialog.getByRole('button', { name: 'Remove 4 containers' }).click();
    const report = page.getByRole('table', { name: 'What became of each item' });
    await report.waitFor({ timeout: 15_000 });
    expect(
      await page.getByRole('status').filter({ hasText: 'removed' }).first().textContent(),
    ).toMatch(/4 removed, 0 skipped, 0 failed.*request [0-9a-f]{8}/);
    const outcomes = await report
      .locator(ITEM_ROWS)
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['removed', 'removed', 'removed', 'removed']);
    expect((await itemNames(report)).sort()).toEqual(stopped);
    // The engine agrees: the stopped ones are gone, the running one stays.
    expect(stoppedContainers()).toEqual([]);
    expect(docker('ps', '-a', '--format', '{{.Names}}')).toBe('runner');
    await screenshot(page, 'prune-report-light');

    await page.getByRole('button', { name: 'Preview again' }).click();
    await page.getByRole('heading', { name: 'Nothing to prune' }).waitFor();
    await screenshotAndAudit(page, 'prune-empty-light');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a viewer', () => {
  it('is offered no delete and no prune', async () => {
    const { context, page, errors } = await app.open({ as: 'vera' });
    await imagesPage(page);
    await imageRow(page, TEST_IMAGE).waitFor();
    const labels = await page
      .getByRole('table', { name: 'Images' })
      .getByRole('button')
      .evaluateAll((buttons) =>
        buttons.map((b) => b.getAttribute('aria-label') ?? b.textContent ?? ''),
      );
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(label).not.toMatch(/^Delete/);
    const rail = page.getByRole('navigation', { name: 'Pages' });
    expect(await rail.getByRole('link', { name: 'Images' }).count()).toBe(1);
    expect(await rail.getByRole('link', { name: 'Prune' }).count()).toBe(0);
    // A typed address still finds no prune to run.
    await page.goto(`${app.base}/prune`);
    await page.getByRole('heading', { name: 'Prune is for admins' }).waitFor();
    expect(await page.getByRole('group', { name: 'What to prune' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
