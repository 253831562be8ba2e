/**
 * A first start without a reachable engine: dwi stays up and says, in its error log and on
 * GET /api/ready, which address it tried and what to do; once the engine is there it
 * connects by itself and the advice goes away.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Dwi, freePort, request, until } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'dwi-no-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startWithout(socket: string): Promise<{ dwi: Dwi; base: string }> {
  const port = await freePort();
  const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    env: { DWI_DOCKER_HOST: `unix://${socket}` },
    waitPath: '/api/health',
  });
  return { dwi, base: `http://127.0.0.1:${port}` };
}

describe('the Docker engine unreachable at start', () => {
  it('a missing socket: the log line and /api/ready name the path and the advice; recovery clears them', async () => {
    const socket = join(dir, 'missing', 'docker.sock');
    const { dwi, base } = await startWithout(socket);
    const line = await dwi.waitFor('stderr', /\[ERROR\] Docker engine unavailable: .*\n/);
    expect(line[0]).toContain(
      `cannot reach the Docker engine's socket ${socket}: it does not exist (ENOENT).`,
    );
    expect(line[0]).toContain('--docker-host unix:///PATH or tcp://HOST:PORT');
    expect(line[0]).toContain('DOCKER_HOST');
    expect(line[0]).toContain('systemctl start docker');

    const ready = await request(`${base}/api/ready`);
    expect(ready.status).toBe(503);
    const body = ready.json();
    expect(body).toMatchObject({ status: 'error', code: 'not_ready' });
    expect(body.error).toContain(socket);
    expect(body.data.engine).toMatchObject({
      connected: false,
      address: `unix://${socket}`,
      error_code: 'ENOENT',
      detail: `cannot reach the Docker engine's socket ${socket}: it does not exist (ENOENT)`,
    });
    const advice: string[] = body.data.engine.advice;
    expect(advice).toHaveLength(3);
    expect(advice[0]).toContain('systemctl start docker');
    expect(advice[2]).toContain('--docker-host');
    expect(advice[2]).toContain('DWI_DOCKER_HOST');
    // The log line says the same, step by step.
    expect(line[0]).toContain(advice.join(' '));
    expect(body.data.checks.engine).toEqual({ ok: false, detail: body.data.engine.detail });

    // What an API client of the container list is told is the same reason.
    const list = await request(`${base}/api/containers`);
    expect(list.status).toBe(503);
    expect(list.json()).toMatchObject({ code: 'engine_unavailable' });
    expect(list.json().error).toContain(socket);

    // The engine appears at that path: dwi connects by itself and the advice is gone.
    mkdirSync(join(dir, 'missing'));
    symlinkSync(new URL(inject('dockerHost')).pathname, socket);
    const recovered = await until(
      'readiness after the socket appeared',
      async () => {
        const reply = await request(`${base}/api/ready`);
        return reply.status === 200 ? reply.json() : undefined;
      },
      20_000,
    );
    expect(recovered.data.engine).toMatchObject({
      connected: true,
      detail: 'connected',
      advice: [],
      error_code: null,
    });
    expect(dwi.stderr.match(/Docker engine unavailable/g)).toHaveLength(1);
    expect((await dwi.stop()).code).toBe(0);
  });

  it('a socket nobody listens on: says the engine is not answering, and how to start it', async () => {
    const socket = join(dir, 'stale.sock');
    // Bound and never listened on, as a stopped engine leaves its socket behind.
    execFileSync('/usr/bin/python3', [
      '-c',
      'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])',
      socket,
    ]);
    const { dwi, base } = await startWithout(socket);
    const line = await dwi.waitFor('stderr', /\[ERROR\] Docker engine unavailable: .*\n/);
    expect(line[0]).toContain(
      `cannot reach the Docker engine's socket ${socket}: it exists but no engine answers (ECONNREFUSED).`,
    );
    expect(line[0]).toContain('start it (systemctl start docker) and dwi connects by itself');
    const engine = (await request(`${base}/api/ready`)).json().data.engine;
    expect(engine).toMatchObject({ connected: false, error_code: 'ECONNREFUSED' });
    expect(engine.detail).toContain(socket);
    expect((await dwi.stop()).code).toBe(0);
  });
});
