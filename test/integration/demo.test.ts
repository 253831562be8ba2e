/**
 * `dwi demo` as a newcomer runs it: it prints a URL and a login that work, its seeded
 * containers show what they promise (a compose project, a crash loop, an unhealthy one), and
 * SIGINT leaves nothing behind: no engine process, no bridge, no folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CLI, NODE, freePort, until } from './harness.js';

let demo: ChildProcess | undefined;
let output = '';

afterAll(() => {
  // A failed test still stops it; the demo then cleans up after itself.
  if (demo !== undefined && demo.exitCode === null) demo.kill('SIGINT');
});

it('serves a seeded private engine, then SIGINT removes the engine, its bridge and its folder', async () => {
  const port = await freePort();
  demo = spawn(NODE, [CLI, 'demo', '--bind', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => demo!.once('exit', resolve));

  const login = await until(
    () => `the URL and the login; the demo said:\n${output}`,
    () => /open {3}(\S+)\n {2}login {2}admin \/ (\S+)\n/.exec(output) ?? undefined,
    180_000,
  );
  const [, url, password] = login as unknown as [string, string, string];
  expect(url).toBe(`http://127.0.0.1:${port}/`);
  const [, pidfile, bridge] = /\(pidfile (\S+), bridge (\S+)\)/.exec(output)!;
  const engineDir = dirname(pidfile!);
  const enginePid = Number(readFileSync(pidfile!, 'utf8').trim());

  // Logged in over REST with the printed password, as the web app does.
  const session = await fetch(new URL('api/auth/login', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  expect(session.status).toBe(200);
  const cookie = session.headers.get('set-cookie')!.split(';')[0]!;
  const get = async (path: string) => {
    const reply = await fetch(new URL(path, url), { headers: { cookie } });
    expect(reply.status, path).toBe(200);
    return ((await reply.json()) as { data: unknown }).data;
  };

  const containers = (await get('api/containers')) as { name: string; project: string | null }[];
  expect(containers.map((c) => c.name).sort()).toEqual([
    'demo-crashloop',
    'demo-logger',
    'demo-shop-api-1',
    'demo-shop-web-1',
    'demo-shop-worker-1',
    'demo-unhealthy',
  ]);
  expect(containers.filter((c) => c.project === 'demo-shop')).toHaveLength(3);
  const projects = (await get('api/projects')) as { name: string | null }[];
  expect(projects.map((p) => p.name)).toContain('demo-shop');

  interface Inspect {
    RestartCount: number;
    State: { Health?: { Status: string } };
  }
  await until(
    'the crash-looping container restarted by its policy',
    async () => ((await get('api/containers/demo-crashloop')) as Inspect).RestartCount >= 1,
    60_000,
    500,
  );
  await until(
    'the unhealthy container reported unhealthy by its health check',
    async () =>
      ((await get('api/containers/demo-unhealthy')) as Inspect).State.Health?.Status ===
      'unhealthy',
    60_000,
    500,
  );
  await until(
    'the list (the live model) saying it too',
    async () =>
      ((await get('api/containers')) as { name: string; health: string | null }[]).some(
        (c) => c.name === 'demo-unhealthy' && c.health === 'unhealthy',
      ),
    10_000,
    200,
  );
  const logs = (await get('api/containers/demo-logger/logs?tail=20')) as { logs: string };
  expect(logs.logs).toContain('\u001b[32mINFO\u001b[0m');
  expect(logs.logs).toMatch(/\{"level":"info","msg":"tick","n":\d+/);

  demo.kill('SIGINT');
  const code = await Promise.race([
    exited,
    new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 90_000)),
  ]);
  expect(code, output).toBe(0);
  expect(() => process.kill(enginePid, 0)).toThrow(/ESRCH/);
  expect(spawnSync('ip', ['link', 'show', bridge!]).status).not.toBe(0);
  expect(existsSync(engineDir)).toBe(false);
  const dwiGone = await fetch(new URL('api/health', url)).then(
    () => false,
    () => true,
  );
  expect(dwiGone).toBe(true);
}, 300_000);
