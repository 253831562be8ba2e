/**
 * A real browser for e2e tests and benchmarks: Debian's headless Chromium driven by
 * playwright-core (nothing is downloaded), axe-core injected from node_modules, and
 * screenshots written to test/e2e/screenshots/ (gitignored) to be looked at. The README's
 * pictures go to docs/screenshots/ only when asked (DOCS_SCREENSHOTS=1, `npm run screenshots`),
 * so that a test run never changes the tree.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import UPNG from 'upng-js';
import { afterAll } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

const browsers = new Set<Browser>();
afterAll(async () => {
  for (const browser of browsers) await browser.close();
});

/** Headless Chromium, closed after the file's tests. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  browsers.add(browser);
  return browser;
}

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  // Evaluated through the debugging protocol: a <script> tag would be refused by the CSP.
  if (!(await page.evaluate('typeof axe !== "undefined"')))
    await page.evaluate((axeSource ??= readFileSync(AXE, 'utf8')));
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
    })))`,
  )) as Violation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a screenshot as test/e2e/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
}

/** Where the README's screenshots go: docs/screenshots/ when asked, else test/e2e/screenshots/docs/. */
export const DOCS_SCREENSHOTS = fileURLToPath(
  process.env.DOCS_SCREENSHOTS === '1'
    ? new URL('../../docs/screenshots/', import.meta.url)
    : new URL('../e2e/screenshots/docs/', import.meta.url),
);

/**
 * Saves a screenshot for the README as <DOCS_SCREENSHOTS><name>.png, in 256 colours: a third
 * of the size, and the same to the eye for a page of flat colours and text (the repository
 * keeps every version of each).
 */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ fullPage: false });
  const image = UPNG.decode(new Uint8Array(png).buffer);
  const small = UPNG.encode(UPNG.toRGBA8(image), image.width, image.height, 256);
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  writeFileSync(`${DOCS_SCREENSHOTS}${name}.png`, Buffer.from(small));
}

/**
 * Collects what would show a broken page: uncaught errors and console errors (a CSP refusal
 * among them). HTTP error statuses are the app's business (the 401 of a first visit), not these.
 */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && !text.startsWith('Failed to load resource'))
      errors.push(`console: ${text}`);
  });
  return errors;
}
