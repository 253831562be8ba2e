/** What the browser benchmarks share: a page's context, logged in as the seeded admin. */
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../test/support/browser.js';
import { TEST_ADMIN_PASSWORD } from '../test/support/dwi.js';
import { ADMIN, sessionCookie } from '../test/support/web-session.js';

/** A context of headless Chromium, 1280 x 900, with the admin's session on dwi at `base`. */
export async function adminContext(base: string): Promise<BrowserContext> {
  const cookie = await sessionCookie(base, ADMIN, TEST_ADMIN_PASSWORD);
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'dwi_session', value: cookie, url: base }]);
  return context;
}
