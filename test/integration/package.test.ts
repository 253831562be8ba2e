/**
 * The npm package as a user gets it: `npm pack` of the built tree, installed with
 * `npm install -g` into an empty prefix, and the prefix's `dwi` run from another working
 * directory. The bundled server (scripts/build-server.mjs) finds its worker entry, the
 * package's version and the web app by their paths inside the installed package, and its
 * external packages (better-sqlite3, @node-rs/argon2) in the node_modules npm installed.
 *
 * The install resolves the package's dependencies from npm's cache (`npm ci` filled it) and the
 * registry. better-sqlite3's install script takes its binary from the cache, where the test
 * puts the one `npm ci` built, as a user's install takes the published binary (the host it is
 * published on cannot be reached here); the other install scripts run as they do for a user.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../support/command.js';
import { storeSqlitePrebuild } from '../support/sqlite-prebuild.js';
import { CLI, Dwi, freePort, request, tempDir } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: { dwi: string };
  scripts: { start: string };
};
const MINUTE = 60_000;

/** What `npm pack` put in the tarball, by path. */
let packed: string[];
let prefix: string;
/** The installed package's folder. */
let installed: string;
let dwi: Dwi;
let base: string;
let installMs = 0;

beforeAll(async () => {
  const work = tempDir('dwi-package-');
  const started = Date.now();
  const [report] = JSON.parse(
    runCommand('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      timeoutMs: 2 * MINUTE,
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = report!.files.map((file) => file.path).sort();

  // npm's own cache for the packages, and a _prebuilds/ of this install's own beside it.
  const npmCache = join(work, 'npm-cache');
  mkdirSync(npmCache);
  const hostCache = runCommand('npm', ['config', 'get', 'cache'], { timeoutMs: MINUTE }).trim();
  symlinkSync(join(hostCache, '_cacache'), join(npmCache, '_cacache'));
  storeSqlitePrebuild(
    npmCache,
    join(ROOT, 'node_modules/better-sqlite3'),
    process.versions.modules,
  );

  prefix = join(work, 'prefix');
  mkdirSync(prefix);
  runCommand(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--cache',
      npmCache,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(work, report!.filename),
    ],
    { cwd: work, timeoutMs: 10 * MINUTE },
  );
  installMs = Date.now() - started;
  installed = join(prefix, 'lib/node_modules', pkg.name);

  // An installed bin runs from wherever its user is, not from the package.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    command: join(prefix, 'bin/dwi'),
    cwd: tempDir('dwi-cwd-'),
  });
}, 12 * MINUTE);

afterAll(async () => {
  await dwi?.stop();
});

describe('the package', () => {
  it('holds what dwi runs and an operator reads: no sources, tests or build tools', () => {
    const runtime = [
      'package.json',
      'README.md',
      'dist/server/cli.js',
      'dist/server/app/worker-entry.js',
      'dist/server/engine/matchworker.js',
      ...webFiles(join(ROOT, 'dist/web')).map((file) => `dist/web/${file}`),
    ];
    expect(packed).toEqual(expect.arrayContaining(runtime));
    // The licences of what the bundles hold, and the operator's documents.
    expect(packed).toEqual(
      expect.arrayContaining([
        'dist/server/app/worker-entry.js.LEGAL.txt',
        'LICENSE',
        'SECURITY.md',
        'docs/settings.md',
        'docs/migrating-from-gunicorn.md',
        'deploy/dwi.service',
        'deploy/nginx.conf',
        'deploy/dwi.config.js',
      ]),
    );
    const unwanted = packed.filter(
      (path) =>
        /^(src|test|bench|scripts|node_modules)\//.test(path) ||
        /\.tsx?$|\.tsbuildinfo$/.test(path) ||
        // Tools of the repository: `npm run docs` and `npm run docs:settings`.
        /^dist\/server\/(app\/reference|config)\//.test(path) ||
        // Builds the image from the sources, which the package does not hold.
        path === 'deploy/Dockerfile',
    );
    expect(unwanted).toEqual([]);
    console.log(`package: ${packed.length} files, packed and installed in ${installMs} ms`);
  });

  it("installs a `dwi` command that prints the package's version", () => {
    const version = spawnSync(join(prefix, 'bin/dwi'), ['--version'], {
      encoding: 'utf8',
      timeout: MINUTE,
    });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(`dwi ${pkg.version}`);
  });

  it('`npm start` and the bin run the same file, the one the tests start', () => {
    expect(pkg.scripts.start).toBe(`node ${pkg.bin.dwi}`);
    expect(join(ROOT, pkg.bin.dwi)).toBe(CLI);
  });

  it("serves from a worker forked from the installed worker entry, with the package's version", async () => {
    const reply = await request(`${base}/api/health`, { auth: false });
    expect(reply.status).toBe(200);
    const { data } = reply.json() as { data: { version: string; pid: number } };
    expect(data.version).toBe(pkg.version);
    expect(dwi.workerPids()).toContain(data.pid);
    const argv = readFileSync(`/proc/${data.pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toContain(join(installed, 'dist/server/app/worker-entry.js'));
    // The engine is reached through the bundled Docker client; the store is better-sqlite3.
    expect((await request(`${base}/api/containers`)).status).toBe(200);
  });

  it('serves the web app: its page to a browser, and the hashed assets the page loads', async () => {
    const page = await request(`${base}/`, { auth: false, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.body).toBe(readFileSync(join(installed, 'dist/web/index.html'), 'utf8'));
    const assets = [...page.body.matchAll(/(?:src|href)="\/([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(
      expect.arrayContaining(['theme.js', expect.stringMatching(/^assets\/index-.+\.js$/)]),
    );
    for (const asset of assets) {
      const reply = await request(`${base}/${asset}`, { auth: false });
      expect(reply.status, asset).toBe(200);
      expect(reply.body, asset).toBe(readFileSync(join(installed, 'dist/web', asset), 'utf8'));
    }
  });
});

/** Every file under a folder, by its path there. */
function webFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}
