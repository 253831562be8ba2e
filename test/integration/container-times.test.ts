/**
 * started_at, finished_at and exit_code: exact from the engine's events while dwi watches,
 * read from the list's status words ("Up 3 seconds", "Exited (143) 2 seconds ago") at start.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { dockerCli, runShell } from '../support/engine.js';
import { Dwi, freePort, request, until } from './harness.js';

const engine = { host: inject('dockerHost') };
const name = `times-${Math.random().toString(36).slice(2, 7)}`;
let dwi: Dwi;
let base: string;

async function start(): Promise<Dwi> {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  return Dwi.start(['-b', `127.0.0.1:${port}`]);
}

async function listed(): Promise<Record<string, unknown> | undefined> {
  const reply = await request(`${base}/api/containers?name=${name}`);
  return (reply.json().data as Array<Record<string, unknown>>).find((c) => c.name === name);
}

const near = (iso: unknown, ms: number, slack: number) =>
  Math.abs(Date.parse(String(iso)) - ms) <= slack;
/** Between two readings of this clock (the engine runs on the same one). */
const within = (iso: unknown, from: number, to: number) => {
  const ms = Date.parse(String(iso));
  return ms >= from - 50 && ms <= to + 50;
};

beforeAll(async () => {
  dwi = await start();
});

afterAll(async () => {
  await dwi?.stop();
  dockerCli(engine, ['rm', '-f', name]);
});

it('are exact when dwi sees the start and the exit', async () => {
  const before = Date.now();
  runShell(engine, name, 'sleep 600');
  const after = Date.now();
  const running = await until('the container running', async () => {
    const c = await listed();
    return c?.state === 'running' ? c : undefined;
  });
  expect(running).toMatchObject({ finished_at: null, exit_code: null });
  expect(within(running.started_at, before, after)).toBe(true);

  const killing = Date.now();
  dockerCli(engine, ['kill', '-s', 'KILL', name]);
  const killed = Date.now();
  const exited = await until('the container exited', async () => {
    const c = await listed();
    return c?.status === 'exited' ? c : undefined;
  });
  expect(exited).toMatchObject({ started_at: null, exit_code: 137 });
  expect(within(exited.finished_at, killing, killed)).toBe(true);
});

it("are read from the list's words when dwi starts after them", async () => {
  await dwi.stop();
  dwi = await start();
  const exited = await listed();
  // "Exited (137) N seconds ago": the code exactly, the time to the second.
  expect(exited).toMatchObject({ status: 'exited', exit_code: 137, started_at: null });
  const state = JSON.parse(dockerCli(engine, ['inspect', '-f', '{{json .State}}', name])) as {
    FinishedAt: string;
  };
  expect(near(exited!.finished_at, Date.parse(state.FinishedAt), 2000)).toBe(true);
});
