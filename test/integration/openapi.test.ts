/**
 * The OpenAPI document as a generator sees it: a standard linter (Redocly, recommended rules)
 * finds nothing in the document the real server serves, every operation is in the shared API
 * table, and real replies match the shared schemas they are typed with.
 */
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { API, type OperationId } from '../../src/shared/api.js';
import { successReply } from '../../src/shared/errors.js';
import { dockerCli, TEST_IMAGE } from '../engine/engine.js';
import { Dwi, freePort, request, until } from './harness.js';
import { connect } from './sockets.js';

const docker = (...args: string[]) => dockerCli({ host: inject('dockerHost') }, args);
const name = `dwi-openapi-${process.pid}`;
let dwi: Dwi;
let base: string;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let doc: any;

beforeAll(async () => {
  docker(
    'run',
    '-d',
    '--init',
    '--name',
    name,
    '--label',
    'com.docker.compose.project=openapi-shop',
    '--label',
    'com.docker.compose.service=web',
    TEST_IMAGE,
    'sh',
    '-c',
    'echo hello from openapi; sleep 600',
  );
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
  const reply = await request(`${base}/api/openapi.json`);
  expect(reply.status).toBe(200);
  doc = reply.json();
});

afterAll(async () => {
  await dwi?.stop();
  docker('rm', '-f', name);
});

describe('the OpenAPI document', () => {
  it('passes Redocly lint with its recommended rules: no error, no warning', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: `${base}/api/openapi.json`,
      config,
    });
    const lines = problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`,
    );
    if (lines.length > 0) console.log(lines.join('\n'));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(problems.filter((p) => p.severity === 'warn')).toEqual([]);
  });

  it('lists every operation of the shared table, under its operationId, method and path', () => {
    const served = Object.entries(doc.paths as Record<string, Record<string, object>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          id: (operation as { operationId: string }).operationId,
          method: method.toUpperCase(),
          path,
        })),
    );
    const table = Object.entries(API).map(([id, { method, path }]) => ({ id, method, path }));
    expect(served.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      table.sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it('says who may call each operation: public ones need nothing, the rest a token or a session', () => {
    const { securitySchemes } = doc.components;
    expect(securitySchemes.bearerToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(securitySchemes.sessionCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'dwi_session',
    });
    expect(securitySchemes.csrfToken).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-CSRF-Token',
    });
    expect(doc.paths['/api/health'].get.security).toEqual([]);
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/containers'].get.security).toEqual([
      { bearerToken: [] },
      { sessionCookie: [] },
    ]);
    expect(doc.paths['/api/docker/prune/{kind}'].post.security).toEqual([
      { bearerToken: [] },
      { sessionCookie: [], csrfToken: [] },
    ]);
  });
});

describe('replies match the shared schemas', () => {
  /** GETs a route and checks its reply against the table's schema for it. */
  async function check(id: OperationId, path: string): Promise<unknown> {
    const reply = await request(`${base}${path}`);
    expect(reply.status, `${id} ${reply.body}`).toBe(200);
    const parsed = successReply(API[id].data).safeParse(reply.json());
    expect(parsed.error, `${id}: ${reply.body.slice(0, 500)}`).toBeUndefined();
    return reply.json().data;
  }

  it('for every GET of the table', async () => {
    await until('the container in the model', async () => {
      const list = (await request(`${base}/api/containers?name=${name}`)).json().data;
      return list.length === 1;
    });
    await check('getRoot', '/');
    await check('getHealth', '/api/health');
    await check('getReady', '/api/ready');
    await check('getMe', '/api/auth/me');
    await check('listAudit', '/api/audit');
    await check('getLogLevels', '/api/admin/log-levels');
    await check('listContainers', '/api/containers');
    await check('inspectContainer', `/api/containers/${name}`);
    await check('getContainerLogs', `/api/containers/${name}/logs`);
    await check('searchContainerLogs', `/api/containers/${name}/logs/search?q=hello`);
    await check('getContainerCpuStats', `/api/containers/${name}/cpu-stats`);
    await check('getResourceUsageMetrics', '/api/resource-usage-metrics');
    await check('listImages', '/api/images');
    await check('listProjects', '/api/projects');
  });

  it('sends every field of a container: the REST reply has what the socket (not serialized by a schema) has', async () => {
    const socket = connect(base);
    const state = await new Promise<{ containers: Array<Record<string, unknown>> }>((resolve) =>
      socket.once('initial_state', resolve),
    );
    socket.disconnect();
    const fromSocket = state.containers.find((c) => c.name === name)!;
    const [fromRest] = (await request(`${base}/api/containers?name=${name}`)).json().data;
    // Socket payloads carry the id twice (the original's container_id, and id).
    expect({ ...fromRest, container_id: fromRest.id }).toEqual(fromSocket);
  });

  it('answers a prune dry run and a progress stream in the shape they declare', async () => {
    const plain = await request(`${base}/api/docker/prune/networks?dry_run=true`, {
      method: 'POST',
    });
    expect(successReply(API.prune.data).safeParse(plain.json()).error).toBeUndefined();
    const streamed = await request(`${base}/api/docker/prune/networks?dry_run=true`, {
      method: 'POST',
      headers: { accept: 'application/x-ndjson' },
    });
    expect(streamed.headers['content-type']).toMatch(/application\/x-ndjson/);
    const last = JSON.parse(streamed.body.trim().split('\n').at(-1)!);
    expect(successReply(API.prune.data).safeParse(last).error).toBeUndefined();
  });

  it('takes an image reference with its / sent as %2F, as generated clients send it', async () => {
    const reply = await request(`${base}/api/images/dwi-test%2Fno-such-image:1`, {
      method: 'DELETE',
    });
    expect(reply.status, reply.body).toBe(404);
    expect(reply.json().error).toContain('dwi-test/no-such-image:1');
  });
});
