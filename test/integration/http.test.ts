import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dwi, freePort, request, selfSignedCert, tempDir, until } from './harness.js';

const dir = tempDir('dwi-http-');

describe('binds', () => {
  it('serves IPv4, IPv6 and a unix socket at once', async () => {
    const [v4, v6] = [await freePort(), await freePort()];
    const socketPath = join(dir, 'dwi.sock');
    const dwi = await Dwi.start([
      '-b',
      `127.0.0.1:${v4}`,
      '-b',
      `[::1]:${v6}`,
      '-b',
      `unix:${socketPath}`,
    ]);
    for (const [url, socket] of [
      [`http://127.0.0.1:${v4}/`, undefined],
      [`http://[::1]:${v6}/`, undefined],
      ['http://localhost/', socketPath],
    ] as const) {
      const reply = await request(url, socket ? { socketPath: socket } : {});
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({
        status: 'success',
        data: { status: 'Docker Web Interface API is running' },
      });
    }
    await dwi.stop();
  });

  it('serves HTTPS with --certfile and --keyfile', async () => {
    const { cert, key } = selfSignedCert(dir);
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '--certfile', cert, '--keyfile', key], {
      waitUrl: null,
    });
    const body = await new Promise<string>((resolve, reject) => {
      const attempt = (left: number) => {
        const req = httpsRequest(
          `https://127.0.0.1:${port}/api/health`,
          { rejectUnauthorized: false, agent: false },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve(text));
          },
        );
        req.on('error', (err) =>
          left > 0 ? setTimeout(() => attempt(left - 1), 100) : reject(err),
        );
        req.end();
      };
      attempt(100);
    });
    expect(JSON.parse(body)).toMatchObject({ status: 'success', data: { status: 'ok' } });
    // Plain HTTP on a TLS port gets no answer a client could mistake for success.
    await expect(
      request(`http://127.0.0.1:${port}/api/health`, { timeoutMs: 2000 }),
    ).rejects.toThrow();
    await dwi.stop();
  });
});

describe('replies', () => {
  it('health and readiness', async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    const health = await request(`http://127.0.0.1:${port}/api/health`);
    expect(health.json()).toMatchObject({
      status: 'success',
      data: { status: 'ok', pid: dwi.workerPids()[0], worker: 1 },
    });
    const ready = await request(`http://127.0.0.1:${port}/api/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'success',
      data: {
        ready: true,
        checks: { worker: { ok: true }, engine: { ok: true } },
        engine: { connected: true, detail: 'connected' },
      },
    });
    // No allowed_origins: only the server's own origin may call, which needs no CORS.
    const elsewhere = { origin: 'http://localhost:3002' };
    const read = await request(`http://127.0.0.1:${port}/api/health`, { headers: elsewhere });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(`http://127.0.0.1:${port}/api/containers/x/start`, {
      method: 'OPTIONS',
      headers: { ...elsewhere, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    await dwi.stop();
  });

  it('every error is in the contract shape with the request id, never a 500', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    const cases: Array<
      [string, { method?: string; headers?: Record<string, string>; body?: string }, number]
    > = [
      ['/no/such/route', {}, 404],
      ['/api/health', { method: 'DELETE' }, 404],
      [
        '/api/admin/log-levels',
        { method: 'PUT', headers: { 'content-type': 'application/json' }, body: 'not json' },
        400,
      ],
      [
        '/api/admin/log-levels',
        { method: 'PUT', headers: { 'content-type': 'application/xml' }, body: '<x/>' },
        415,
      ],
      [
        '/api/admin/log-levels',
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: '{"level":"info","extra":1}',
        },
        400,
      ],
      [
        '/api/admin/log-levels',
        {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: '{"level":"info","ttl":-1}',
        },
        400,
      ],
    ];
    for (const [path, options, status] of cases) {
      const reply = await request(`${base}${path}`, options);
      expect(reply.status, `${options.method ?? 'GET'} ${path}`).toBe(status);
      const body = reply.json();
      expect(Object.keys(body).sort()).toEqual(['code', 'error', 'request_id', 'status']);
      expect(body.status).toBe('error');
      expect(typeof body.error).toBe('string');
      expect(body.request_id).toBe(reply.headers['x-request-id']);
      expect(body.error).not.toMatch(/\n\s+at /);
    }
    await dwi.stop();
    expect(dwi.stderr).not.toMatch(/\[ERROR\]/);
  });

  it('publishes an OpenAPI 3 document of every route, with the error shape', async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    const doc = (await request(`http://127.0.0.1:${port}/api/openapi.json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of [
      '/api/containers',
      '/api/containers/{id}/logs',
      '/api/images',
      '/api/projects',
      '/api/docker/prune/{kind}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    for (const operations of Object.values(doc.paths) as Array<
      Record<string, { responses: Record<string, unknown> }>
    >) {
      for (const operation of Object.values(operations))
        expect(Object.keys(operation.responses)).toContain('4XX');
    }
    await dwi.stop();
  });

  it('serves Prometheus metrics added up over every worker', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2']);
    // Ready means one worker answered; wait for the other's engine too.
    await until('both workers connected to the engine', async () =>
      /^dwi_engine_connected 1$/m.test((await request(`${base}/metrics`)).body) ? true : undefined,
    );
    const pids = new Set<number>();
    for (let i = 0; i < 10; i++) pids.add((await request(`${base}/api/health`)).json().data.pid);
    await request(`${base}/api/containers`);
    const reply = await request(`${base}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body).toContain(
      'dwi_http_requests_total{method="GET",route="/api/health",status="200"} 10',
    );
    expect(reply.body).toMatch(/^dwi_engine_connected 1$/m);
    expect(reply.body).toMatch(/^dwi_engine_model_containers \d+$/m);
    expect(reply.body).toMatch(
      /^dwi_http_request_duration_seconds_count\{method="GET",route="\/api\/health"\} 10$/m,
    );
    expect(reply.body).toMatch(/^process_cpu_seconds_total \d/m);
    await dwi.stop();
  });

  it('keeps a sane X-Request-ID and replaces one that is not', async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    const kept = await request(`http://127.0.0.1:${port}/`, {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(`http://127.0.0.1:${port}/`, {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    await dwi.stop();
  });
});
