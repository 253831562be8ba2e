/**
 * The admin pages in headless Chromium against the real dwi (authentication on): an admin adds
 * a user who then logs in elsewhere, a token's secret is shown once, the audit log takes new
 * rows live, log levels change for a while; only admins are offered any of it. Screenshots of
 * each page in light, dark and at 390 px (test/e2e/screenshots/admin-*), axe on each.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser.js';
import { request } from '../support/http.js';
import {
  logInWithForm,
  LOOKS,
  rowWith,
  screenshotAndAudit,
  sessionCookie,
  testUser,
  WebApp,
} from '../support/web-session.js';

const otto = testUser('otto', 'operator');
const OPERATOR_PASSWORD = otto.password;

let app: WebApp;

beforeAll(async () => {
  app = await WebApp.start();
  // Added through the API, so that the audit log holds the addition.
  await app.api('POST', '/api/users', otto);
  await app.logIn(otto.username, otto.password);
});

const TITLES = {
  users: 'Users',
  tokens: 'API tokens',
  audit: 'Audit log',
  logging: 'Log levels',
} as const;

async function adminPage(page: Page, tab: keyof typeof TITLES): Promise<void> {
  await page.goto(`${app.base}/admin/${tab}`);
  await page.getByRole('heading', { name: TITLES[tab], exact: true }).waitFor();
}

describe('the admin pages', () => {
  it('an admin adds a user with a generated password, shown once; that user logs in in another browser', async () => {
    const { context, page, errors } = await app.open();
    await page.goto(app.base);
    // The rail offers the admin pages to admins.
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a user' });
    await dialog.getByLabel('User name', { exact: true }).fill('olga');
    await dialog.getByLabel('Role', { exact: true }).selectOption('operator');
    expect(await dialog.getByLabel('Generate one (shown once)').isChecked()).toBe(true);
    await screenshotAndAudit(page, 'admin-add-user-light');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Added olga (operator)' });
    await status.waitFor();
    const password = (await status.getByLabel('Password', { exact: true }).textContent())!;
    expect(password).toMatch(/^\S{20}$/);
    await rowWith(page, 'olga').waitFor();
    expect(await rowWith(page, 'olga').textContent()).toContain('operator');

    // Once: dismissed, it is nowhere on the page, nor after a reload.
    await status.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.content()).not.toContain(password);
    await page.reload();
    await rowWith(page, 'olga').waitFor();
    expect(await page.content()).not.toContain(password);

    const other = await app.open({ as: null });
    await other.page.goto(app.base);
    await logInWithForm(other.page, 'olga', password);
    expect(await other.page.getByText('olga').count()).toBeGreaterThan(0);
    // An operator is not offered the admin pages.
    expect(
      await other.page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: 'Admin' })
        .count(),
    ).toBe(0);
    expect(other.errors).toEqual([]);
    await other.context.close();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('changes a role, resets a password (shown once) and deletes a user, each confirmed first', async () => {
    await app.api('POST', '/api/users', {
      username: 'pete',
      role: 'viewer',
      password: OPERATOR_PASSWORD,
    });
    const { context, page, errors } = await app.open();
    await adminPage(page, 'users');
    // Your own row offers neither a role change nor deletion.
    await page.getByLabel('Role of pete').waitFor();
    expect(await page.getByLabel('Role of admin').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete admin' }).count()).toBe(0);

    await page.getByLabel('Role of pete').selectOption('operator');
    const confirm = page.getByRole('dialog', { name: 'Make pete operator?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('disconnected and reconnect with the new role');
    await confirm.getByRole('button', { name: 'Make operator' }).click();
    await page.getByRole('status').filter({ hasText: 'pete is now operator.' }).waitFor();
    expect(
      (await app.api('GET', '/api/users')).find((u: { username: string }) => u.username === 'pete')
        .role,
    ).toBe('operator');

    await page.getByRole('button', { name: 'Reset password of pete' }).click();
    await page
      .getByRole('dialog', { name: 'Reset the password of pete?' })
      .getByRole('button', { name: 'Reset the password' })
      .click();
    const secret = page.getByRole('status').filter({ hasText: 'New password of pete' });
    const password = (await secret.getByLabel('Password', { exact: true }).textContent())!;
    expect(await sessionCookie(app.base, 'pete', password)).not.toBe('');

    await page.getByRole('button', { name: 'Delete pete' }).click();
    const deletion = page.getByRole('dialog', { name: 'Delete pete?' });
    // The safe button has the focus.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await deletion.getByRole('button', { name: 'Delete pete' }).click();
    await page.getByRole('status').filter({ hasText: 'deleted user pete' }).waitFor();
    await expect.poll(() => rowWith(page, 'pete').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('creates a token whose secret is shown once, lists it without, and revokes it', async () => {
    const { context, page, errors } = await app.open();
    await adminPage(page, 'tokens');
    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API token' });
    await dialog.getByLabel('Name', { exact: true }).fill('ci deploys');
    await dialog.getByLabel('User', { exact: true }).selectOption('otto');
    // At most the user's role: an operator's token offers no admin.
    expect(
      await dialog.getByLabel('Role', { exact: true }).locator('option').allTextContents(),
    ).toEqual(['the user’s (operator)', 'viewer', 'operator']);
    await dialog.getByLabel('Role', { exact: true }).selectOption('viewer');
    await dialog.getByLabel('Expires after', { exact: true }).selectOption('7 days');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const shown = page
      .getByRole('status')
      .filter({ hasText: 'copy it now, it is not shown again' });
    const token = (await shown.getByLabel('Token', { exact: true }).textContent())!;
    expect(token).toMatch(/^dwi_[\w-]{43}$/);
    expect(await shown.getByRole('button', { name: 'Copy the token' }).count()).toBe(1);
    await screenshot(page, 'admin-token-shown-light');

    const me = await request(`${app.base}/api/auth/me`, {
      auth: false,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json().data).toEqual({ username: 'otto', role: 'viewer', via: 'token' });
    const listed = rowWith(page, 'ci deploys');
    await listed.waitFor();
    expect(await listed.textContent()).toMatch(/otto.*viewer.*live/);

    await shown.getByRole('button', { name: 'Dismiss' }).click();
    expect(await page.content()).not.toContain(token);
    await page.reload();
    await listed.waitFor();
    expect(await page.content()).not.toContain(token);

    await listed.getByRole('button', { name: /^Revoke the token ci deploys/ }).click();
    await page
      .getByRole('dialog', { name: 'Revoke the token ci deploys?' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    await expect.poll(() => listed.textContent()).toContain('revoked');
    const after = await request(`${app.base}/api/auth/me`, {
      auth: false,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(after.status).toBe(401);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows new audit rows live, filtered, without a reload, and keeps the filter across reloads', async () => {
    const { context, page, errors } = await app.open();
    await adminPage(page, 'audit');
    await page
      .getByRole('region', { name: 'Audit log' })
      .getByText('New rows appear as they are written')
      .waitFor();
    await rowWith(page, 'add otto (operator)').waitFor();
    const before = await page.getByRole('row').count();
    // Another admin (a script with a token) adds a user: the row arrives by itself.
    await app.api('POST', '/api/users', { username: 'live-lena', password: OPERATOR_PASSWORD });
    await rowWith(page, 'add live-lena (viewer)').waitFor({ timeout: 5000 });
    expect(await page.getByRole('row').count()).toBe(before + 1);
    expect(await rowWith(page, 'add live-lena (viewer)').textContent()).toMatch(
      /admin.*POST \/api\/users.*success/,
    );

    await page.getByLabel('Action contains', { exact: true }).fill('/api/tokens');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => rowWith(page, 'live-lena').count()).toBe(0);
    const token = await app.api('POST', '/api/tokens', {
      username: 'live-lena',
      name: 'lena live',
    });
    await app.api('POST', '/api/users', { username: 'live-lars', password: OPERATOR_PASSWORD });
    await rowWith(page, `token ${token.id} for live-lena`).waitFor({ timeout: 5000 });
    expect(await rowWith(page, 'live-lars').count()).toBe(0);
    await screenshot(page, 'admin-audit-filtered-light');

    await page.reload();
    expect(await page.getByLabel('Action contains', { exact: true }).inputValue()).toBe(
      '/api/tokens',
    );
    await rowWith(page, `token ${token.id} for live-lena`).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await rowWith(page, 'add live-lars').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sets a log level for a while, and resets it', async () => {
    const { context, page, errors } = await app.open();
    await adminPage(page, 'logging');
    await page.getByLabel('Logger', { exact: true }).selectOption('root');
    await page.getByLabel('Level', { exact: true }).selectOption('debug');
    await page.getByLabel('For', { exact: true }).selectOption('5 minutes');
    await page.getByRole('button', { name: 'Set level' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'root logs at debug for 5 minutes, then reverts.' })
      .waitFor();
    expect(await rowWith(page, 'root').textContent()).toMatch(/debug/i);
    expect((await app.api('GET', '/api/admin/log-levels')).root).toMatch(/^debug$/i);
    await rowWith(page, 'root')
      .getByRole('button', { name: 'Reset root to the configured level' })
      .click();
    await page
      .getByRole('status')
      .filter({ hasText: 'root is back at its configured level.' })
      .waitFor();
    expect((await app.api('GET', '/api/admin/log-levels')).root).toMatch(/^warning$/i);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers nothing to an operator: no Admin link, and the pages say they are for admins', async () => {
    const { context, page, errors } = await app.open({ as: 'otto' });
    await page.goto(`${app.base}/admin/users`);
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add user' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it.each(LOOKS)(
    'has no serious accessibility violations: %s (with screenshots)',
    async (label, look) => {
      const { context, page, errors } = await app.open(look);
      for (const tab of Object.keys(TITLES) as Array<keyof typeof TITLES>) {
        await adminPage(page, tab);
        await page.getByRole('table').first().waitFor();
        await screenshotAndAudit(page, `admin-${tab}-${label}`);
      }
      expect(errors).toEqual([]);
      await context.close();
    },
  );
});
