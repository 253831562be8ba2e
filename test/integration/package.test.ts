/**
 * The built package as `npm start` and the installed `dwi` run it: the bundled server
 * (scripts/build-server.mjs) finds its worker entry, the package's version and the web app by
 * their paths, from any working directory, and a worker serves.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, Dwi, freePort, request } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: { dwi: string };
  scripts: { start: string };
};

let dwi: Dwi;
let base: string;
let elsewhere: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/web/index.html')))
    throw new Error('dist/web is missing: run `npm run build` (npm test does it for you)');
  // An installed bin runs from wherever its user is, not from the package.
  elsewhere = mkdtempSync(join(tmpdir(), 'dwi-cwd-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], { cwd: elsewhere });
});

afterAll(async () => {
  await dwi?.stop();
  rmSync(elsewhere, { recursive: true, force: true });
});

describe('the built package', () => {
  it('`npm start` and the bin run the same file, the one the tests start', () => {
    expect(pkg.scripts.start).toBe(`node ${pkg.bin.dwi}`);
    expect(join(ROOT, pkg.bin.dwi)).toBe(CLI);
  });

  it("a worker forked from the bundled worker entry serves, with the package's version", async () => {
    const reply = await request(`${base}/api/health`, { auth: false });
    expect(reply.status).toBe(200);
    const { data } = reply.json() as { data: { version: string; pid: number } };
    expect(data.version).toBe(pkg.version);
    expect(dwi.workerPids()).toContain(data.pid);
    const argv = readFileSync(`/proc/${data.pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toContain(join(ROOT, 'dist/server/app/worker-entry.js'));
    // The engine is reached through the bundled Docker client.
    expect((await request(`${base}/api/containers`)).status).toBe(200);
  });

  it('serves the web app from dist/web beside the bundle', async () => {
    const reply = await request(`${base}/`, { auth: false, headers: { accept: 'text/html' } });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(readFileSync(join(ROOT, 'dist/web/index.html'), 'utf8'));
  });
});
