/**
 * Secrets stay masked in every payload that carries labels, env or a command (issue 11,
 * finding 5), for every role, unless an admin asks a container for its own (audited).
 */
import { spawnSync } from 'node:child_process';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MASK } from '../../src/shared/masking.js';
import { dockerCli, TEST_IMAGE } from '../engine/engine.js';
import type { Client, Seen } from './sockets.js';
import {
  CLI,
  NODE,
  Dwi,
  freePort,
  request,
  seededDataDir,
  until,
  type RequestOptions,
} from './harness.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const project = `leaky-${suffix}`;
const names = {
  app: `leaky-app-${suffix}`,
  late: `leaky-late-${suffix}`,
  broken: `leaky-broken-${suffix}`,
};
const image = `leaky-image-${suffix}:1`;

/** Every secret below has this in it: no payload may carry it. */
const SECRET = 'LEAKED';

const labels = [
  `com.docker.compose.project=${project}`,
  'com.docker.compose.service=app',
  `db.password=${SECRET}-label`,
  `app.db=postgres://u:${SECRET}-label-url@db/shop`,
];
const env = [
  `DB_PASS=${SECRET}-1`,
  `SMTP_PASS=${SECRET}-2`,
  `MYSQL_PWD=${SECRET}-3`,
  `AUTH=${SECRET}-4`,
  `SESSION_COOKIE_SIG=${SECRET}-5`,
  `DATABASE_URL=postgres://u:${SECRET}-6@h/db`,
  `REDIS_URL=redis://:${SECRET}-7@cache:6379/0`,
  `CONNECTION=Server=db;User Id=sa;Password=${SECRET}-8;`,
  'PLAIN=visible',
];
// sh ignores the words after its script: they are there to be masked.
const command = [
  'sh',
  '-c',
  'exec sleep 600',
  'app',
  `--db-password=${SECRET}-9`,
  '--api-key',
  `${SECRET}-10`,
];

const withLabels = (list: string[]) => list.flatMap((label) => ['--label', label]);
const withEnv = (list: string[]) => list.flatMap((entry) => ['-e', entry]);

let dwi: Dwi;
let base: string;
let dataDir: string;
let viewer: string;
let appId: string;

function cli(...args: string[]): string {
  const run = spawnSync(NODE, [CLI, ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`dwi ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

const as = (token: string): RequestOptions => ({ headers: { authorization: `Bearer ${token}` } });

async function get(path: string, options: RequestOptions = {}) {
  const reply = await request(`${base}${path}`, options);
  expect(reply.status, reply.body).toBe(200);
  return reply;
}

function socket(token: string): { client: Client; seen: Seen } {
  const client: Client = io(base, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  const seen: Seen = [];
  client.onAny((event: string, payload: unknown) => seen.push([event, payload]));
  return { client, seen };
}

beforeAll(async () => {
  appId = docker(
    'run',
    '-d',
    '--init',
    '--name',
    names.app,
    ...withLabels(labels),
    ...withEnv(env),
    TEST_IMAGE,
    ...command,
  );
  docker('commit', '-c', `LABEL image.token=${SECRET}-image`, names.app, image);
  dataDir = await seededDataDir();
  cli('user', 'add', 'vera', '--role', 'viewer');
  viewer = /: (dwi_\S+)\n$/.exec(cli('token', 'create', '--user', 'vera'))![1]!;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], { env: { DWI_DATA_DIR: dataDir } });
  await until('the model to hold the test container', async () =>
    (await get('/api/containers')).body.includes(names.app),
  );
});

afterAll(async () => {
  await dwi?.stop();
  for (const name of Object.values(names))
    spawnSync('docker', ['-H', engine.host, 'rm', '-f', name]);
  spawnSync('docker', ['-H', engine.host, 'rmi', '-f', image]);
});

/** The masked labels, as every payload that carries them must show them. */
const maskedLabels = {
  'com.docker.compose.project': project,
  'com.docker.compose.service': 'app',
  'db.password': MASK,
  'app.db': `postgres://u:${MASK}@db/shop`,
};

describe('REST payloads', () => {
  it('the container list masks labels, for a viewer and an admin alike, filtered or not', async () => {
    for (const path of ['/api/containers', `/api/containers?project=${project}`]) {
      for (const who of [as(viewer), {}]) {
        const reply = await get(path, who);
        const app = (reply.json().data as Array<{ name: string; labels: object }>).find(
          (c) => c.name === names.app,
        );
        expect(app?.labels).toMatchObject(maskedLabels);
        expect(reply.body).not.toContain(SECRET);
      }
    }
  });

  it('the projects route masks labels', async () => {
    const reply = await get('/api/projects', as(viewer));
    const group = (
      reply.json().data as Array<{ name: string; containers: Array<{ labels: object }> }>
    ).find((g) => g.name === project);
    expect(group?.containers[0]?.labels).toMatchObject(maskedLabels);
    expect(reply.body).not.toContain(SECRET);
  });

  it('inspect masks env names, credentials inside values, labels and the command', async () => {
    for (const who of [as(viewer), {}]) {
      const reply = await get(`/api/containers/${names.app}`, who);
      const { Config, Args } = reply.json().data;
      expect(Config.Env).toEqual(
        expect.arrayContaining([
          `DB_PASS=${MASK}`,
          `SMTP_PASS=${MASK}`,
          `MYSQL_PWD=${MASK}`,
          `AUTH=${MASK}`,
          `SESSION_COOKIE_SIG=${MASK}`,
          `DATABASE_URL=postgres://u:${MASK}@h/db`,
          `REDIS_URL=redis://:${MASK}@cache:6379/0`,
          `CONNECTION=Server=db;User Id=sa;Password=${MASK};`,
          'PLAIN=visible',
        ]),
      );
      expect(Config.Labels).toMatchObject(maskedLabels);
      expect(Config.Cmd).toEqual([
        'sh',
        '-c',
        'exec sleep 600',
        'app',
        `--db-password=${MASK}`,
        '--api-key',
        MASK,
      ]);
      expect(Args).toEqual(expect.arrayContaining([`--db-password=${MASK}`, MASK]));
      expect(reply.body).not.toContain(SECRET);
    }
  });

  it('the image list masks labels', async () => {
    const reply = await get('/api/images', as(viewer));
    const committed = (reply.json().data as Array<{ tags: string[]; labels: object }>).find((i) =>
      i.tags.includes(image),
    );
    expect(committed?.labels).toMatchObject({ 'image.token': MASK });
    expect(reply.body).not.toContain(SECRET);
  });

  it('shows the secrets only to an admin who asks, and audits who asked', async () => {
    const refused = await request(`${base}/api/containers/${names.app}?secrets=show`, as(viewer));
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ status: 'error', code: 'forbidden' });
    expect(refused.body).not.toContain(SECRET);
    const shown = await get(`/api/containers/${names.app}?secrets=show`);
    expect(shown.json().data.Config.Env).toContain(`DB_PASS=${SECRET}-1`);
    expect(shown.json().data.Config.Cmd).toContain(`--db-password=${SECRET}-9`);

    const action = `GET /api/containers/${names.app}`;
    const rows = (await get(`/api/audit?action=${encodeURIComponent(action)}`)).json().data
      .entries as Array<Record<string, unknown>>;
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          username: 'admin',
          result: 'success',
          target: names.app,
          detail: 'secrets=show',
        }),
        expect.objectContaining({
          username: 'vera',
          result: 'denied',
          detail: 'secrets=show; HTTP 403',
        }),
      ]),
    );
    // An ordinary inspect is a read like any other: not audited.
    expect(rows).toHaveLength(2);
  });
});

describe('engine errors', () => {
  it("masks the engine's error message, which can quote the command", async () => {
    docker('create', '--name', names.broken, TEST_IMAGE, `--db-password=${SECRET}-11`);
    // dwi acts on containers its model holds: it learns of this one from the engine's events.
    await until('dwi to list it', async () =>
      (await request(`${base}/api/containers/${names.broken}`)).status === 200 ? true : undefined,
    );
    const reply = await request(`${base}/api/containers/${names.broken}/start`, {
      method: 'POST',
    });
    // The engine refuses to start it, quoting the command it could not run.
    expect(reply.status).toBe(400);
    expect(reply.json()).toMatchObject({
      code: 'bad_request',
      error: expect.stringContaining(`--db-password=${MASK}`),
    });
    expect(reply.body).not.toContain(SECRET);
  });
});

describe('Socket.IO payloads', () => {
  it('initial_state and container_state_changed carry masked labels', async () => {
    const { client, seen } = socket(viewer);
    const initial = await until('initial_state', () => seen.find(([e]) => e === 'initial_state'));
    const app = (initial[1].containers as Array<{ id: string; labels: object }>).find(
      (c) => c.id === appId,
    );
    expect(app?.labels).toMatchObject(maskedLabels);

    docker(
      'run',
      '-d',
      '--init',
      '--name',
      names.late,
      ...withLabels(labels),
      TEST_IMAGE,
      'sleep',
      '600',
    );
    const changed = await until('the new container announced', () =>
      seen.find(([e, p]) => e === 'container_state_changed' && p.name === names.late),
    );
    expect(changed[1].labels).toMatchObject(maskedLabels);
    docker('rm', '-f', names.late);
    const deleted = await until('the removal announced', () =>
      seen.find(
        ([e, p]) =>
          e === 'container_state_changed' && p.name === names.late && p.state === 'deleted',
      ),
    );
    expect(deleted[1].labels).toMatchObject(maskedLabels);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
    client.disconnect();
  });
});
