/**
 * The original's web client, deployed as its compose file deploys it: the page on one origin
 * (port 3002), the API on another. Every request here is one that client sends, with the
 * headers a browser sends for it (fetch, no credentials), against `--auth none
 * --allowed-origins http://localhost:3002`: the original ran without authentication.
 */
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { TEST_IMAGE } from '../engine/engine.js';
import { Dwi, freePort, request, until, type Reply } from './harness.js';
import { useOwnEngine } from './own-engine.js';

const PAGE = 'http://localhost:3002';
const ELSEWHERE = 'http://localhost:3003';

/** What a browser adds to every fetch of the page's scripts (but Accept-Encoding: read plain). */
const BROWSER = {
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  accept: '*/*',
  'accept-language': 'en-US,en;q=0.9',
  origin: PAGE,
  referer: `${PAGE}/`,
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'cross-site',
  'sec-fetch-dest': 'empty',
};

// Its own engine: the client's prune buttons would take other files' stopped containers.
const own = useOwnEngine(({ docker }) => {
  docker(
    ...[
      'run',
      '-d',
      '--init',
      '--name',
      'shop-web',
      '--label',
      'com.docker.compose.project=my-shop',
    ],
    ...['--label', 'com.docker.compose.service=web', TEST_IMAGE, 'sh', '-c'],
    'echo hello from the shop; sleep 600',
  );
  docker('run', '-d', '--init', '--name', 'solo', TEST_IMAGE, 'sleep', '600');
  return { args: ['--auth', 'none', '--allowed-origins', PAGE] };
});
const { docker } = own;

/** A request of the page, from its origin unless another is given. */
function fromPage(
  path: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    origin?: string;
    body?: string;
  } = {},
): Promise<Reply> {
  return request(`${own.base}${path}`, {
    auth: false,
    method: options.method ?? 'GET',
    ...(options.body !== undefined ? { body: options.body } : {}),
    headers: { ...BROWSER, origin: options.origin ?? PAGE, ...options.headers },
  });
}

/** The preflight a browser sends before a request that is not "simple". */
function preflight(path: string, method: string, headers: string, origin = PAGE): Promise<Reply> {
  return fromPage(path, {
    method: 'OPTIONS',
    origin,
    headers: {
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });
}

/** What a browser needs to hand a cross-origin reply to the page. */
function expectCorsFor(reply: Reply, origin = PAGE): void {
  expect(reply.headers['access-control-allow-origin']).toBe(origin);
  expect(reply.headers['access-control-allow-credentials']).toBe('true');
  expect(String(reply.headers.vary)).toMatch(/\bOrigin\b/);
}

function expectNoCors(reply: Reply): void {
  expect(Object.keys(reply.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
}

describe('the original web client on another origin', () => {
  it('lists containers and images and reads logs, each reply readable by the page', async () => {
    const containers = await fromPage('/api/containers');
    expect(containers.status).toBe(200);
    expectCorsFor(containers);
    expect(containers.headers['access-control-expose-headers']).toBe('x-request-id');
    const list = containers.json().data as Array<Record<string, unknown>>;
    expect(list.find((c) => c.name === 'shop-web')).toMatchObject({
      compose_project: 'Docker Compose: My Shop',
      compose_service: 'web',
      project: 'my-shop',
    });
    expect(list.find((c) => c.name === 'solo')).toMatchObject({
      compose_project: 'Standalone Containers',
      compose_service: 'unknown',
      project: null,
    });

    const images = await fromPage('/api/images');
    expect(images.status).toBe(200);
    expectCorsFor(images);
    expect(
      images
        .json()
        .data.map((i: { tags: string[] }) => i.tags)
        .flat(),
    ).toContain(TEST_IMAGE);

    await until('the log line', async () =>
      (await fromPage('/api/containers/shop-web/logs')).json().data.logs.includes('hello'),
    );
    const logs = await fromPage('/api/containers/shop-web/logs');
    expect(logs.status).toBe(200);
    expectCorsFor(logs);
    expect(logs.json().data.logs).toMatch(/^\S+Z hello from the shop\n$/);
  });

  it('gets 204 preflights naming the method and headers its JSON posts and deletes send', async () => {
    for (const [path, method] of [
      ['/api/docker/prune/containers', 'POST'],
      ['/api/images/sha256:0123', 'DELETE'],
      ['/api/containers/solo/start', 'POST'],
    ] as const) {
      const reply = await preflight(path, method, 'content-type');
      expect(reply.status, `${method} ${path}`).toBe(204);
      expectCorsFor(reply);
      expect(String(reply.headers['access-control-allow-methods']).split(/,\s*/)).toContain(method);
      expect(String(reply.headers['access-control-allow-headers']).split(/,\s*/)).toEqual(
        expect.arrayContaining(['content-type', 'authorization', 'x-csrf-token', 'x-request-id']),
      );
    }
  });

  it('stops, starts and restarts with no body, and deletes a running container', async () => {
    const id = docker('run', '-d', '--init', '--name', 'doomed', TEST_IMAGE, 'sleep', '600');
    for (const action of ['stop', 'start', 'restart']) {
      const reply = await fromPage(`/api/containers/${id}/${action}`, { method: 'POST' });
      expect(reply.status, `${action}: ${reply.body}`).toBe(200);
      expectCorsFor(reply);
    }
    expect(docker('inspect', '--format', '{{.State.Status}}', id)).toBe('running');
    // Its action hook sets Content-Type: application/json and sends nothing.
    const deleted = await fromPage(`/api/containers/${id}/delete`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(deleted.status, deleted.body).toBe(200);
    expectCorsFor(deleted);
    expect(() => docker('inspect', id)).toThrow(/No such object/);
  });

  it('prunes each kind and deletes an image with Content-Type application/json and no body', async () => {
    docker('create', '--name', 'leftover', TEST_IMAGE, 'true');
    const imageId = docker('commit', 'solo', 'dwi-test/unwanted:1');
    const deleted = await fromPage(`/api/images/${imageId}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    });
    expect(deleted.status, deleted.body).toBe(200);
    expectCorsFor(deleted);
    expect(() => docker('image', 'inspect', imageId)).toThrow(/No such image/);

    for (const kind of ['containers', 'images', 'volumes', 'networks', 'all']) {
      const reply = await fromPage(`/api/docker/prune/${kind}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      expect(reply.status, `${kind}: ${reply.body}`).toBe(200);
      expectCorsFor(reply);
      expect(Object.keys(reply.json().data)).toEqual(
        expect.arrayContaining(['message', 'command', 'result']),
      );
      if (kind === 'containers')
        expect(reply.json().data.result.containers_deleted).toHaveLength(1);
    }
  });

  it('opens its socket by long-polling from the page origin, and gets the initial state', async () => {
    const handshake = await fromPage('/socket.io/?EIO=4&transport=polling&t=Pabc123');
    expect(handshake.status).toBe(200);
    expectCorsFor(handshake);
    const sid = JSON.parse(handshake.body.slice(1)).sid as string;
    const polling = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
    // Packet "40": join the namespace "/"; the original ran without authentication.
    const join = await fromPage(`${polling}&t=Pabc124`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: '40',
    });
    expect(join.status).toBe(200);
    expectCorsFor(join);
    expect(join.body).toBe('ok');
    let packets = '';
    for (let poll = 0; poll < 5 && !packets.includes('"initial_state"'); poll++) {
      const reply = await fromPage(`${polling}&t=Pabc12${5 + poll}`);
      expect(reply.status).toBe(200);
      expectCorsFor(reply);
      packets += `${reply.body}\x1e`;
    }
    expect(packets).toMatch(/42\["connection_established",\{"message":/);
    expect(packets).toMatch(/42\["initial_state",\{"containers":\[/);

    // socket.io-client as the page runs it: polling first, then the upgrade, with its Origin.
    const client = io(own.base, {
      extraHeaders: { origin: PAGE },
      reconnection: false,
      forceNew: true,
    });
    try {
      const state = await new Promise<{ containers: Array<{ name: string }> }>(
        (resolve, reject) => {
          client.once('initial_state', resolve);
          client.once('connect_error', reject);
        },
      );
      expect(state.containers.map((c) => c.name)).toContain('shop-web');
    } finally {
      client.disconnect();
    }
  });
});

describe('an origin that is not listed', () => {
  it('gets no CORS headers, a 404 preflight, and its changes refused', async () => {
    const read = await fromPage('/api/containers', { origin: ELSEWHERE });
    expect(read.status).toBe(200);
    expectNoCors(read);
    const pre = await preflight('/api/docker/prune/containers', 'POST', 'content-type', ELSEWHERE);
    expect(pre.status).toBe(404);
    expectNoCors(pre);
    const prune = await fromPage('/api/docker/prune/containers', {
      method: 'POST',
      origin: ELSEWHERE,
      headers: { 'content-type': 'application/json' },
    });
    expect(prune.status).toBe(403);
    expect(prune.json().error).toBe(`Origin ${ELSEWHERE} may not change anything here`);
    expectNoCors(prune);
    const socket = await fromPage('/socket.io/?EIO=4&transport=polling&t=Pxyz', {
      origin: ELSEWHERE,
    });
    expect(socket.status).toBe(403);
    expectNoCors(socket);
  });
});

describe('request bodies', () => {
  it('an empty JSON body is no body; a route that needs one says so, and bad JSON is refused', async () => {
    const empty = await fromPage('/api/admin/log-levels', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect(empty.json()).toMatchObject({
      code: 'bad_request',
      error: 'invalid body: / must be object',
    });
    const malformed = await fromPage('/api/docker/prune/containers?dry_run=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"oops',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toMatchObject({
      code: 'bad_request',
      error: expect.stringMatching(/JSON/),
    });
    const json = await fromPage('/api/docker/prune/containers?dry_run=true', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(200);
  });
});

describe('booleans in queries', () => {
  it('take true, false, 1 and 0; anything else is refused by name', async () => {
    docker('create', '--name', 'stopped-again', TEST_IMAGE, 'true');
    const prune = (query: string) =>
      request(`${own.base}/api/docker/prune/containers?${query}`, { method: 'POST', auth: false });
    for (const [query, dryRun] of [
      ['dry_run=1', true],
      ['dry_run=true', true],
      ['dry_run=0&all=0', false],
    ] as const) {
      const reply = await prune(query);
      expect(reply.status, `${query}: ${reply.body}`).toBe(200);
      expect(reply.json().data.dry_run).toBe(dryRun);
    }
    expect(() => docker('inspect', 'stopped-again')).toThrow(/No such object/);
    for (const query of ['dry_run=yes', 'dry_run=', 'dry_run=1&dry_run=0', 'all=TRUE']) {
      const reply = await prune(query);
      expect(reply.status, query).toBe(400);
      const name = query.split('=')[0];
      expect(reply.json().error).toMatch(new RegExp(`^${name} must be true, false, 1 or 0, got `));
    }
    const logs = await request(`${own.base}/api/containers/shop-web/logs?timestamps=0&stderr=1`, {
      auth: false,
    });
    expect(logs.json().data.logs).toBe('hello from the shop\n');
  });

  it('the OpenAPI document lists the accepted values of each boolean parameter', async () => {
    const document = (await request(`${own.base}/api/openapi.json`, { auth: false })).json();
    const booleans = Object.values(document.paths as Record<string, object>)
      .flatMap((operations) => Object.values(operations))
      .flatMap(
        (operation: {
          parameters?: Array<{ name: string; schema: { type?: string }; description?: string }>;
        }) => operation.parameters ?? [],
      )
      .filter((parameter) => parameter.schema.type === 'boolean');
    expect(booleans.map((p) => p.name)).toEqual(
      expect.arrayContaining(['dry_run', 'force', 'regex']),
    );
    for (const parameter of booleans) expect(parameter.description).toBe('true, false, 1 or 0');
  });
});

describe('allowed_origins "*"', () => {
  it('is refused with authentication on, at --check-config and at start, in one line', async () => {
    const line =
      /^dwi: error: allowed_origins "\*" needs --auth none: .*list the origins of your pages instead/m;
    const checked = await Dwi.run(['--allowed-origins', '*', '--check-config']);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(line);
    const started = await Dwi.run([
      '-b',
      `127.0.0.1:${await freePort()}`,
      '--allowed-origins',
      '*',
    ]);
    expect(started.code).toBe(1);
    expect(started.stderr).toMatch(line);
    const open = await Dwi.run(['--allowed-origins', '*', '--auth', 'none', '--check-config']);
    expect(open).toMatchObject({ code: 0, stdout: 'configuration OK\n' });
  });

  it('with --auth none, answers every origin as the original did', async () => {
    const port = await freePort();
    const open = await Dwi.start(
      ['-b', `127.0.0.1:${port}`, '--auth', 'none', '--allowed-origins', '*'],
      { env: { DWI_DOCKER_HOST: own.engine.host } },
    );
    try {
      const reply = await request(`http://127.0.0.1:${port}/api/containers`, {
        auth: false,
        headers: { ...BROWSER, origin: ELSEWHERE },
      });
      expect(reply.status).toBe(200);
      expectCorsFor(reply, ELSEWHERE);
    } finally {
      await open.stop();
    }
  });
});
