/**
 * How dwi serves the web app (dist/web, made by `npm run build`): the page to browsers, the
 * original's JSON to API clients, hashed assets cached for good, the page revalidated.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dwi, freePort, request, type Reply } from './harness.js';

/** What Chromium sends when the user follows a link or types an address. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

let dwi: Dwi;
let base: string;

const page = (path: string, options: { method?: string; accept?: string } = {}) =>
  request(`${base}${path}`, {
    auth: false,
    method: options.method ?? 'GET',
    headers: { accept: options.accept ?? BROWSER_ACCEPT },
  });

function expectPage(reply: Reply): void {
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toMatch(/^text\/html/);
  expect(reply.headers['cache-control']).toBe('no-cache');
  expect(reply.headers['content-security-policy']).toContain("default-src 'self'");
  expect(reply.body).toContain('<div id="root"></div>');
}

function expectJson404(reply: Reply, path: string): void {
  expect(reply.status).toBe(404);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.json()).toMatchObject({
    status: 'error',
    code: 'not_found',
    error: `no route for GET ${path}`,
  });
}

beforeAll(async () => {
  if (!existsSync(fileURLToPath(new URL('../../dist/web/index.html', import.meta.url))))
    throw new Error('dist/web is missing: run `npm run build` (npm test does it for you)');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
});

afterAll(async () => {
  await dwi?.stop();
});

describe('the web app', () => {
  it('is the answer to a browser asking for /, while API clients still get the JSON', async () => {
    expectPage(await page('/'));
    for (const accept of ['application/json', '*/*', 'text/html;q=0.5, application/json']) {
      const reply = await page('/', { accept });
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({
        status: 'success',
        data: { status: 'Docker Web Interface API is running' },
      });
    }
    // No Accept header at all (the original's clients): JSON too.
    expect((await request(`${base}/`, { auth: false })).json().status).toBe('success');
  });

  it('answers deep links with the page, and HEAD as GET', async () => {
    for (const path of ['/containers/web-1', '/projects/shop?tab=logs', '/a/b/c']) {
      expectPage(await page(path));
    }
    const head = await page('/containers/web-1', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/html/);
  });

  it('keeps every /api 404 JSON, browser or not, and unknown paths JSON for API clients', async () => {
    expectJson404(await page('/api/nope'), '/api/nope');
    expectJson404(await page('/api'), '/api');
    expectJson404(await page('/metrics/nope'), '/metrics/nope');
    expectJson404(
      await page('/containers/web-1', { accept: 'application/json' }),
      '/containers/web-1',
    );
    // Not a navigation: a form post to a page path.
    const post = await page('/containers', { method: 'POST' });
    expect(post.status).toBe(404);
    expect(post.json().code).toBe('not_found');
  });

  it('loads only its own scripts and styles, nothing inline that the CSP forbids', async () => {
    const reply = await page('/');
    const csp = reply.headers['content-security-policy'] as string;
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const scripts = [...reply.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/\bsrc="\//);
      expect(content!.trim()).toBe('');
    }
    expect(reply.body).not.toMatch(/<style\b|\sstyle=/);
  });

  it('caches hashed assets as immutable for a year, and revalidates the page', async () => {
    const index = await page('/');
    const assets = [...index.body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const reply = await request(`${base}${asset}`, { auth: false });
      expect(reply.status).toBe(200);
      expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    const script = assets.find((a) => a.endsWith('.js'))!;
    expect((await request(`${base}${script}`, { auth: false })).headers['content-type']).toMatch(
      /javascript/,
    );
    // The page is revalidated: its validator gets a 304, not the body again.
    const etag = index.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await request(`${base}/`, {
      auth: false,
      headers: { accept: BROWSER_ACCEPT, 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const theme = await request(`${base}/theme.js`, { auth: false });
    expect(theme.status).toBe(200);
    expect(theme.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing or escaping asset with a JSON 404, never a file outside dist/web', async () => {
    expectJson404(
      await request(`${base}/assets/missing.js`, { auth: false }),
      '/assets/missing.js',
    );
    for (const path of [
      '/assets/..%2f..%2fserver%2fcli.js',
      '/assets/%2e%2e/%2e%2e/package.json',
    ]) {
      const reply = await request(`${base}${path}`, { auth: false });
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(reply.body).not.toContain('import');
    }
  });
});
