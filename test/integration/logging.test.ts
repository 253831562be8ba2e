import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOISE_PATTERNS,
  DEFAULT_SOCKETIO_NOISE_PATTERNS,
} from '../../src/server/config/sections/logging.js';
import { Dwi, FIXTURES, freePort, request, tempDir, until } from './harness.js';

const ERROR_LINE =
  /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \[\d+\] \[(DEBUG|INFO|WARNING|ERROR|CRITICAL)\] /;
const HOOKS = `${FIXTURES}hooks.mjs`;

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

describe('log lines', () => {
  it('by default: access lines on stdout, error lines on stderr in the seed format', async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '--log-level', 'info']);
    const reply = await request(`http://127.0.0.1:${port}/api/health`, {
      headers: { 'x-request-id': 'req-42' },
    });
    expect(reply.headers['x-request-id']).toBe('req-42');
    await dwi.waitFor('stdout', /GET \/api\/health HTTP\/1\.1" 200 /);
    await dwi.stop();
    const errors = lines(dwi.stderr);
    expect(errors.length).toBeGreaterThan(3);
    for (const line of errors) expect(line).toMatch(ERROR_LINE);
    expect(dwi.stderr).toMatch(/\[INFO\] Listening at: http:\/\/127\.0\.0\.1:\d+ \(\d+\)/);
    const access = lines(dwi.stdout).find((l) => l.includes('req-42'))!;
    // gunicorn's default atoms, then the request id.
    expect(access).toMatch(
      /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "GET \/api\/health HTTP\/1\.1" 200 \d+ "-" "-" req-42$/,
    );
    expect(dwi.stdout).not.toMatch(/\[INFO\]/);
  });

  it("the seed's logconfig_dict as JSON: error lines in its format, on stdout as it says", async () => {
    const port = await freePort();
    const dwi = await Dwi.start(
      [
        '-b',
        `127.0.0.1:${port}`,
        '--log-config-json',
        `${FIXTURES}seed-logconfig.json`,
        '-c',
        HOOKS,
      ],
      {
        env: {
          LOG_ON_READY: 'dwi.error|something went wrong\nsocketio.server|a socket.io failure',
        },
      },
    );
    await dwi.waitFor('stdout', /something went wrong/);
    await request(`http://127.0.0.1:${port}/api/health`);
    await dwi.stop();
    const out = lines(dwi.stdout);
    expect(out).toContainEqual(expect.stringMatching(/\[ERROR\] something went wrong$/));
    expect(out).toContainEqual(expect.stringMatching(/\[ERROR\] a socket.io failure$/));
    for (const line of out) expect(line).toMatch(ERROR_LINE);
    // The seed sets the access logger to WARNING: access lines (INFO) are not shown, as then.
    expect(dwi.stdout).not.toContain('GET /api/health');
    expect(dwi.stderr).toBe('');
  });

  it('--log-format json prints one object per line', async () => {
    const port = await freePort();
    const dwi = await Dwi.start([
      '-b',
      `127.0.0.1:${port}`,
      '--log-format',
      'json',
      '--log-level',
      'info',
    ]);
    await request(`http://127.0.0.1:${port}/`, { headers: { 'x-request-id': 'json-1' } });
    await dwi.waitFor('stdout', /json-1/);
    await dwi.stop();
    const access = lines(dwi.stdout)
      .map((l) => JSON.parse(l))
      .find((entry) => entry.request_id === 'json-1');
    expect(access).toMatchObject({ level: 'INFO', logger: 'dwi.access', request_id: 'json-1' });
    for (const line of lines(dwi.stderr))
      expect(JSON.parse(line)).toHaveProperty('logger', 'dwi.error');
  });
});

describe('noise filter', () => {
  it('hides each default pattern on the loggers the seed filters, lets the rest pass, and counts', async () => {
    const port = await freePort();
    const messages: string[] = [];
    for (const logger of [
      'dwi.error',
      'gunicorn.error',
      'socketio.server',
      'engineio.server',
      'root',
    ]) {
      for (const pattern of DEFAULT_NOISE_PATTERNS)
        messages.push(`${logger}|hide-me ${pattern} on ${logger}`);
      messages.push(`${logger}|keep-me on ${logger}`);
    }
    for (const pattern of DEFAULT_SOCKETIO_NOISE_PATTERNS) {
      messages.push(`socketio.server|hide-me ${pattern}`, `engineio.server|hide-me ${pattern}`);
      messages.push(`dwi.error|keep-me ${pattern} on the server logger`);
    }
    const dwi = await Dwi.start(
      [
        '-b',
        `127.0.0.1:${port}`,
        '-c',
        HOOKS,
        '--log-level',
        'info',
        '--noise-filter-report-interval',
        '1',
      ],
      { env: { LOG_ON_READY: messages.join('\n') } },
    );
    const hidden = messages.filter((m) => m.includes('hide-me')).length;
    await dwi.waitFor('stderr', new RegExp(`noise filter hid ${hidden} messages in the last 1 s`));
    await dwi.stop();
    expect(dwi.stderr).not.toContain('hide-me');
    for (const message of messages.filter((m) => m.includes('keep-me'))) {
      expect(dwi.stderr).toContain(message.split('|')[1]);
    }
  });
});

describe("Socket.IO's own log", () => {
  it('engine.io refusals go to engineio.server: noise hidden and counted, the rest shown', async () => {
    const dir = tempDir('dwi-logcfg-');
    const config = join(dir, 'log.json');
    writeFileSync(
      config,
      JSON.stringify({
        version: 1,
        handlers: { console: { class: 'logging.StreamHandler', stream: 'ext://sys.stderr' } },
        loggers: {
          'engineio.server': { level: 'WARNING', handlers: ['console'], propagate: false },
          'dwi.error': { level: 'INFO', handlers: ['console'], propagate: false },
        },
      }),
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start([
      '-b',
      `127.0.0.1:${port}`,
      '--log-config-json',
      config,
      '--log-level',
      'info',
      '--noise-filter-report-interval',
      '1',
    ]);
    const unknownSession = await request(
      `${base}/socket.io/?EIO=4&transport=polling&sid=no-such-session`,
    );
    expect(unknownSession.status).toBe(400);
    const unknownTransport = await request(`${base}/socket.io/?EIO=4&transport=carrier-pigeon`);
    expect(unknownTransport.status).toBe(400);
    await dwi.waitFor('stderr', /Transport unknown: request refused/);
    await dwi.waitFor(
      'stderr',
      /noise filter hid 1 message in the last 1 s \(Invalid session: 1\)/,
    );
    await dwi.stop();
    expect(dwi.stderr).not.toContain('no-such-session');
  });
});

describe('log levels at run time', () => {
  it('PUT /api/admin/log-levels raises a level in every worker, and a ttl reverts it by itself', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2']);
    await until('2 workers', () => dwi.workerPids().length === 2);
    const put = await request(`${base}/api/admin/log-levels`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logger: 'gunicorn.error', level: 'debug', ttl: 1.5 }),
    });
    expect(put.status).toBe(200);
    expect(put.json().data.levels['dwi.error']).toBe('DEBUG');
    // Both workers and the primary log at DEBUG now: their "reverted" lines are INFO, shown.
    const reverted = await until('three revert lines', () => {
      const found =
        dwi.stderr.match(/\[INFO\] log level of dwi\.error back to WARNING \(ttl ended\)/g) ?? [];
      return found.length === 3 ? found : undefined;
    });
    expect(reverted).toHaveLength(3);
    const levels = await request(`${base}/api/admin/log-levels`);
    expect(levels.json().data['dwi.error']).toBe('WARNING');
    await dwi.stop();
  });

  it('a worker started after a run-time change gets it too, with the time it has left', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '1']);
    const put = await request(`${base}/api/admin/log-levels`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ logger: 'dwi.error', level: 'debug', ttl: 10 }),
    });
    expect(put.status).toBe(200);
    dwi.signal('SIGTTIN');
    // The primary, the first worker and the one started later each revert when the ttl ends.
    const reverted = await until(
      'three revert lines',
      () => {
        const found =
          dwi.stderr.match(/\[INFO\] log level of dwi\.error back to WARNING \(ttl ended\)/g) ?? [];
        return found.length === 3 ? found : undefined;
      },
      20_000,
    );
    expect(reverted).toHaveLength(3);
    await dwi.stop();
  });

  it('refuses bad input in the error shape', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    const put = (body: string) =>
      request(`${base}/api/admin/log-levels`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const bad = await put('{"level":"loud"}');
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      status: 'error',
      error: 'invalid body: /level must be equal to one of the allowed values',
      code: 'bad_request',
      request_id: bad.headers['x-request-id'],
    });
    const unknown = await put('{"level":"debug","logger":"no.such"}');
    expect(unknown.status).toBe(404);
    expect(unknown.json().code).toBe('not_found');
    const broken = await put('{"level":');
    expect(broken.status).toBe(400);
    expect(broken.json()).toMatchObject({ status: 'error', code: 'bad_request' });
    const anonymous = await request(`${base}/api/admin/log-levels`, { auth: false });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json().code).toBe('unauthorized');
    await dwi.stop();
  });

  it('SIGHUP applies a new level from the config file', async () => {
    const port = await freePort();
    const dir = tempDir('dwi-hup-');
    const config = join(dir, 'dwi.json');
    writeFileSync(config, JSON.stringify({ loglevel: 'warning' }));
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-c', config]);
    writeFileSync(config, JSON.stringify({ loglevel: 'info' }));
    dwi.signal('SIGHUP');
    await dwi.waitFor('stderr', /\[INFO\] Booting worker with pid/);
    const levels = await until('the new level', async () => {
      const reply = await request(`http://127.0.0.1:${port}/api/admin/log-levels`);
      return reply.json().data['dwi.error'] === 'INFO' ? reply : undefined;
    });
    expect(levels.status).toBe(200);
    await dwi.stop();
  });
});
