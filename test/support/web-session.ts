/**
 * The web app in a real browser, for e2e tests: dwi started with authentication on (a data dir
 * of its own, a free loopback port), its users logged in once each (dwi allows 10 logins a
 * minute per address, loopback too), browser contexts opened with a user's session cookie, and
 * the looks every page is checked in (light, dark, 390 px) with a screenshot and axe.
 * Stopped after the file's tests, like the browser and dwi themselves.
 */
import { spawnSync } from 'node:child_process';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { launchChromium, screenshot, seriousViolations, watchForErrors } from './browser.js';
import { CLI, Dwi, NODE, seededDataDir, TEST_ADMIN_PASSWORD } from './dwi.js';
import { freePort, request } from './http.js';

export type Role = 'viewer' | 'operator' | 'admin';

export interface TestUser {
  username: string;
  role: Role;
  password: string;
}

/** A user of that role, with a password long enough for dwi's rule. */
export const testUser = (username: string, role: Role): TestUser => ({
  username,
  role,
  password: `${role} password, long enough`,
});

/** The seeded admin (seededDataDir): every WebApp logs it in. */
export const ADMIN = 'admin';

/** Logs in through the API, as the login form does: the value of the session cookie. */
export async function sessionCookie(
  base: string,
  username: string,
  password: string,
): Promise<string> {
  const reply = await request(`${base}/api/auth/login`, {
    auth: false,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = /dwi_session=([^;]+)/.exec(String(reply.headers['set-cookie']))?.[1];
  if (reply.status !== 200 || cookie === undefined) throw new Error(`login failed: ${reply.body}`);
  return cookie;
}

/** Adds a user to a data dir with the CLI, as an operator would before starting dwi. */
export function addUserWithCli(dataDir: string, user: TestUser): void {
  const add = spawnSync(
    NODE,
    [
      CLI,
      'user',
      'add',
      user.username,
      '--role',
      user.role,
      '--password-stdin',
      '--data-dir',
      dataDir,
    ],
    { input: `${user.password}\n`, encoding: 'utf8' },
  );
  if (add.status !== 0) throw new Error(`user add ${user.username} failed: ${add.stderr}`);
}

export interface WebSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page (watchForErrors). */
  errors: string[];
}

export interface OpenOptions {
  /** Whose session the context holds (a user logged in by the WebApp); null: none. Default admin. */
  as?: string | null;
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  acceptDownloads?: boolean;
}

const running = new Set<WebApp>();
afterAll(async () => {
  for (const app of running) await app.stop();
});

export class WebApp {
  private readonly cookies = new Map<string, string>();

  private constructor(
    readonly dwi: Dwi,
    /** http://127.0.0.1:<port>, without a trailing slash. */
    readonly base: string,
    readonly browser: Browser,
  ) {}

  /**
   * dwi on a fresh seeded data dir (or `dataDir`) with `users` added first, the admin and
   * each of them logged in, and Chromium launched. `env`: more settings (DWI_DOCKER_HOST for a
   * file's own engine, say).
   */
  static async start(
    options: { users?: TestUser[]; env?: Record<string, string>; dataDir?: string } = {},
  ): Promise<WebApp> {
    const dataDir = options.dataDir ?? (await seededDataDir());
    for (const user of options.users ?? []) addUserWithCli(dataDir, user);
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
      env: { DWI_DATA_DIR: dataDir, ...options.env },
      // The e2e project runs beside the others on a shared machine: a slow start is load.
      waitMs: 60_000,
    });
    const app = new WebApp(dwi, `http://127.0.0.1:${port}`, await launchChromium());
    running.add(app);
    await app.logIn(ADMIN, TEST_ADMIN_PASSWORD);
    for (const user of options.users ?? []) await app.logIn(user.username, user.password);
    return app;
  }

  /** Logs a user in once: `open({ as: username })` then carries its session. */
  async logIn(username: string, password: string): Promise<void> {
    this.cookies.set(username, await sessionCookie(this.base, username, password));
  }

  /** A fresh browser context (1280×800 and light unless told), with a user's session or none. */
  async open(options: OpenOptions = {}): Promise<WebSession> {
    const as = options.as === undefined ? ADMIN : options.as;
    const context = await this.browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      colorScheme: options.colorScheme ?? 'light',
      acceptDownloads: options.acceptDownloads ?? false,
    });
    if (as !== null) {
      const cookie = this.cookies.get(as);
      if (cookie === undefined) throw new Error(`${as} is not logged in: logIn() first`);
      await context.addCookies([
        { name: 'dwi_session', value: cookie, url: this.base, httpOnly: true, sameSite: 'Strict' },
      ]);
    }
    const page = await context.newPage();
    return { context, page, errors: watchForErrors(page) };
  }

  /** A call with the seeded admin token, as a script or another admin makes it: its data. */
  async api(method: string, path: string, body?: unknown) {
    const reply = await request(`${this.base}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (reply.status !== 200) throw new Error(`${method} ${path}: ${reply.body}`);
    return reply.json().data;
  }

  async stop(): Promise<void> {
    running.delete(this);
    await this.dwi.stop();
  }
}

/** The looks every page is checked in: light, dark, and a 390 px phone in both. */
export const LOOKS = [
  ['light', { colorScheme: 'light' }],
  ['dark', { colorScheme: 'dark' }],
  ['390-light', { width: 390, height: 844, colorScheme: 'light' }],
  ['390-dark', { width: 390, height: 844, colorScheme: 'dark' }],
] as const satisfies ReadonlyArray<readonly [string, OpenOptions]>;

/** Saves the page as test/e2e/screenshots/<name>.png, and expects axe to find nothing serious. */
export async function screenshotAndAudit(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(JSON.stringify(await seriousViolations(page), null, 1), name).toBe('[]');
}

/** Logs in through the login form's labelled fields, and waits for the containers page. */
export async function logInWithForm(
  page: Page,
  username = ADMIN,
  password = TEST_ADMIN_PASSWORD,
): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Containers', exact: true }).waitFor();
}

/** The rows (of any table on the page) that hold this text. */
export const rowWith = (page: Page | Locator, text: string) =>
  page.getByRole('row').filter({ hasText: text });
