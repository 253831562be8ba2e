import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Result } from 'autocannon';
import { describe, expect, it } from 'vitest';
import { Dwi, FIXTURES, freePort, request, tempDataDir, until } from './harness.js';

const HOOKS = `${FIXTURES}hooks.mjs`;

/** A scratch dir, removed after the file's tests. */
const tempDir = tempDataDir;

function hookLog(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n') : [];
}

/** Worker PIDs seen answering /api/health over fresh connections. */
async function answeringPids(base: string, tries: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < tries; i++) pids.add((await request(`${base}/api/health`)).json().data.pid);
  return pids;
}

describe('workers', () => {
  it('-w 3 runs 3 workers that all serve', async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '3']);
    await until('3 workers', () => dwi.workerPids().length === 3);
    const seen = new Set<number>();
    await until('every worker answering', async () => {
      for (const pid of await answeringPids(`http://127.0.0.1:${port}`, 6)) seen.add(pid);
      return seen.size === 3;
    });
    expect([...seen].sort()).toEqual(dwi.workerPids());
    expect((await dwi.stop()).code).toBe(0);
  });

  it('kills a worker whose event loop is blocked past --timeout and replaces it; the others keep serving', async () => {
    const port = await freePort();
    const log = join(tempDir(), 'hooks.log');
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(
      ['-b', `127.0.0.1:${port}`, '-w', '3', '--timeout', '2', '-c', HOOKS],
      {
        env: { HOOK_LOG: log },
      },
    );
    await until('3 workers', () => dwi.workerPids().length === 3);
    const before = dwi.workerPids();
    const blocked = request(`${base}/api/health?block=1`, { timeoutMs: 30_000 }).catch(
      (err: Error) => err,
    );
    const blockedPid = await until('the blocked worker', () => {
      const line = hookLog(log).find((l) => l.startsWith('pre_request') && l.includes('block=1'));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    });
    // While it is blocked, the other two answer every request.
    for (let i = 0; i < 10; i++) {
      const reply = await request(`${base}/api/health`).catch((err: Error) => {
        throw new Error(`request ${i + 1}: ${err.message}; dwi's stderr:\n${dwi.stderr}`);
      });
      expect(reply.status).toBe(200);
      expect(reply.json().data.pid).not.toBe(blockedPid);
    }
    await dwi.waitFor('stderr', new RegExp(`WORKER TIMEOUT \\(pid:${blockedPid}\\)`));
    expect(await blocked).toBeInstanceOf(Error);
    expect(hookLog(log)).toContainEqual(
      expect.stringMatching(new RegExp(`^worker_abort \\d+ worker=\\d+ pid=${blockedPid}$`)),
    );
    await until('a replacement', () => {
      const now = dwi.workerPids();
      return now.length === 3 && !now.includes(blockedPid);
    });
    expect(dwi.workerPids().filter((pid) => before.includes(pid))).toHaveLength(2);
    expect((await request(`${base}/api/health`)).status).toBe(200);
    await dwi.stop();
  });

  // The third worker may still be booting at the first TTOU, on a busy machine for long: TTOU
  // retires it at once rather than after its boot (that wait once outlasted the 15 s here).
  it('TTIN and TTOU change the worker count', async () => {
    const port = await freePort();
    const log = join(tempDir(), 'hooks.log');
    const dwi = await Dwi.start(
      ['-b', `127.0.0.1:${port}`, '-w', '2', '-c', HOOKS, '--log-level', 'debug'],
      {
        env: { HOOK_LOG: log },
      },
    );
    await until('2 workers', () => dwi.workerPids().length === 2);
    dwi.signal('SIGTTIN');
    await until('3 workers', () => dwi.workerPids().length === 3);
    // One at a time: the kernel merges a signal sent again before the first is handled.
    dwi.signal('SIGTTOU');
    await until(
      `2 workers (${dwi.workerPids().join()})`,
      () => dwi.workerPids().length === 2,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${dwi.stderr}\n${hookLog(log).join('\n')}`);
    });
    dwi.signal('SIGTTOU');
    await until('1 worker', () => dwi.workerPids().length === 1);
    dwi.signal('SIGTTOU'); // never below one
    expect(
      hookLog(log)
        .filter((l) => l.startsWith('nworkers_changed'))
        .map((l) => l.split(' ')[2]),
    ).toEqual(['2->3', '3->2', '2->1']);
    expect((await request(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    expect(dwi.workerPids()).toHaveLength(1);
    await dwi.stop();
  });

  it('max_requests recycles a worker, its replacement started first', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Not waiting on /api/ready: those requests would count towards the 5 (and under load
    // could use them all before the first worker is seen).
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '--max-requests', '5'], {
      waitUrl: null,
    });
    const first = await until('the worker', () => {
      const pids = dwi.workerPids();
      return pids.length === 1 && pids;
    });
    // Every request, the 5 it serves (queued by the primary until it is ready) and those
    // after, must succeed.
    for (let i = 0; i < 12; i++) expect((await request(`${base}/api/health`)).status).toBe(200);
    await until('a new worker', () => !dwi.workerPids().includes(first[0]!));
    expect(dwi.stderr).not.toMatch(/exited unexpectedly/);
    await dwi.stop();
  });

  it('an address in use stops the start with one clear line, before any worker', async () => {
    const port = await freePort();
    const blocker = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    const { code, stderr } = await Dwi.run(['-b', `127.0.0.1:${port}`, '-w', '2']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`\\[ERROR\\] Connection in use: 127\\.0\\.0\\.1:${port}\\n$`),
    );
    await blocker.stop();
  });

  it('a worker that cannot boot stops the server with one clear line and exit 3, not a fork loop', async () => {
    const port = await freePort();
    const dir = tempDir();
    writeFileSync(join(dir, 'cert.pem'), 'not a certificate');
    const { code, stderr } = await Dwi.run([
      '-b',
      `127.0.0.1:${port}`,
      '-w',
      '2',
      '--certfile',
      join(dir, 'cert.pem'),
      '--keyfile',
      join(dir, 'cert.pem'),
    ]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/failed to boot: .*(PEM|certificate|key)/i);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr.match(/failed to boot/g)?.length ?? 0).toBeLessThanOrEqual(2);
  });
});

describe('signals', () => {
  it('HUP under load: no failed request, new worker pids', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2', '--graceful-timeout', '10']);
    await until('2 workers', () => dwi.workerPids().length === 2);
    const before = dwi.workerPids();
    const { default: autocannon } = await import('autocannon');
    let answered = 0;
    const load = new Promise<Result>((resolve, reject) => {
      const options = { url: `${base}/api/health`, connections: 8, duration: 4 };
      autocannon(options, (err, result) => (err ? reject(err) : resolve(result))).on(
        'response',
        () => answered++,
      );
    });
    // HUP once the load is flowing, so requests are in flight while the workers change.
    await until('the load to flow', () => answered >= 20);
    dwi.signal('SIGHUP');
    const result = await load;
    expect(result.requests.total).toBeGreaterThan(100);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    await until('new workers only', () => {
      const now = dwi.workerPids();
      return now.length === 2 && now.every((pid) => !before.includes(pid));
    });
    await dwi.stop();
  });

  it('TERM during a slow request: it completes, then exit 0', async () => {
    const port = await freePort();
    const log = join(tempDir(), 'h.log');
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-c', HOOKS], {
      env: { HOOK_LOG: log },
    });
    const slow = request(`http://127.0.0.1:${port}/api/health?slow=1500`);
    // TERM once the worker is serving it (its pre_request hook runs, then waits 1.5 s).
    await until('the slow request to reach the worker', () =>
      hookLog(log).some((line) => line.includes('/api/health?slow=1500')),
    );
    dwi.signal('SIGTERM');
    const reply = await slow;
    expect(reply.status).toBe(200);
    expect(await dwi.exited).toEqual({ code: 0, signal: null });
  });

  it('INT stops at once, running worker_int', async () => {
    const port = await freePort();
    const log = join(tempDir(), 'hooks.log');
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-c', HOOKS], {
      env: { HOOK_LOG: log },
    });
    dwi.signal('SIGINT');
    expect(await dwi.exited).toEqual({ code: 0, signal: null });
    expect(hookLog(log).some((l) => l.startsWith('worker_int'))).toBe(true);
  });

  it('USR1 reopens log files', async () => {
    const port = await freePort();
    const dir = tempDir();
    const access = join(dir, 'access.log');
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '--access-logfile', access]);
    await request(`http://127.0.0.1:${port}/?first`);
    await until('the first line', () => readFileSync(access, 'utf8').includes('GET /?first'));
    const { renameSync } = await import('node:fs');
    renameSync(access, `${access}.1`);
    dwi.signal('SIGUSR1');
    await until('reopened file', async () => {
      await request(`http://127.0.0.1:${port}/?second`);
      return existsSync(access) && readFileSync(access, 'utf8').includes('GET /?second');
    });
    expect(readFileSync(`${access}.1`, 'utf8')).toContain('GET /?first');
    await dwi.stop();
  });

  it("USR2 (gunicorn's binary upgrade) is refused with a warning; the server keeps serving", async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`]);
    dwi.signal('SIGUSR2');
    await dwi.waitFor('stderr', /USR2 \(re-exec a new binary\) is not supported/);
    expect((await request(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    expect(dwi.child.exitCode).toBeNull();
    await dwi.stop();
  });
});

describe('pidfile, broken reloads, request logs', () => {
  it('writes the pidfile, refuses a second server on it, removes it at exit', async () => {
    const dir = tempDir();
    const pidfile = join(dir, 'dwi.pid');
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-p', pidfile]);
    expect(readFileSync(pidfile, 'utf8')).toBe(`${dwi.pid}\n`);
    const second = await Dwi.run(['-b', `127.0.0.1:${await freePort()}`, '-p', pidfile]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Already running on PID ${dwi.pid}`);
    expect((await dwi.stop()).code).toBe(0);
    expect(existsSync(pidfile)).toBe(false);
  });

  it('SIGHUP with a broken config file keeps the running configuration and says why', async () => {
    const dir = tempDir();
    const config = join(dir, 'dwi.json');
    writeFileSync(config, JSON.stringify({ workers: 1 }));
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-c', config]);
    const before = dwi.workerPids();
    writeFileSync(config, JSON.stringify({ wrokers: 2 }));
    dwi.signal('SIGHUP');
    await dwi.waitFor(
      'stderr',
      /reload \(SIGHUP\) failed, keeping the running configuration: unknown setting wrokers/,
    );
    expect((await request(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    expect(dwi.workerPids()).toEqual(before);
    await dwi.stop();
  });

  it("a request's log lines carry its request id", async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-c', HOOKS], {
      env: { HOOK_LOG: join(tempDir(), 'h.log') },
    });
    const reply = await request(`http://127.0.0.1:${port}/api/health?hookfail=1`, {
      headers: { 'x-request-id': 'trace-7' },
    });
    expect(reply.status).toBe(200);
    await dwi.waitFor(
      'stderr',
      /\[ERROR\] pre_request hook failed: the test hook failed on purpose request_id=trace-7\n/,
    );
    await dwi.stop();
  });

  it('QUIT stops at once too', async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', '2']);
    dwi.signal('SIGQUIT');
    expect(await dwi.exited).toEqual({ code: 0, signal: null });
  });
});

describe('reload and keep-alive', () => {
  it('--reload restarts workers when a watched file changes', async () => {
    const port = await freePort();
    const dir = tempDir();
    const watched = join(dir, 'extra.txt');
    writeFileSync(watched, 'one');
    const dwi = await Dwi.start([
      '-b',
      `127.0.0.1:${port}`,
      '--reload',
      '--reload-extra-file',
      watched,
    ]);
    const before = dwi.workerPids();
    writeFileSync(watched, 'two');
    await until('a new worker', () => {
      const now = dwi.workerPids();
      return now.length === 1 && now[0] !== before[0];
    });
    expect((await request(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    await dwi.stop();
  });

  it('--keep-alive 1 closes an idle connection after about 1 s', async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '--keep-alive', '1']);
    const socket = connect(port, '127.0.0.1');
    let answeredAt = 0;
    const closedAt = new Promise<number>((resolve) =>
      socket.on('close', () => resolve(Date.now())),
    );
    socket.on('data', (chunk: Buffer) => {
      if (chunk.toString().startsWith('HTTP/1.1 200')) answeredAt = Date.now();
    });
    socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const idle = (await closedAt) - answeredAt;
    expect(answeredAt).toBeGreaterThan(0);
    expect(idle).toBeGreaterThan(700);
    expect(idle).toBeLessThan(4000);
    await dwi.stop();
  });
});

describe('hooks', () => {
  it('fire in order through a life: start, request, HUP, TTIN, stop', async () => {
    const port = await freePort();
    const log = join(tempDir(), 'hooks.log');
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-c', HOOKS], {
      env: { HOOK_LOG: log },
    });
    await until('when_ready', () => hookLog(log).some((l) => l.startsWith('when_ready')));
    await request(`${base}/api/health?hook=1`);
    await until('post_request', () => hookLog(log).some((l) => l.startsWith('post_request')));
    dwi.signal('SIGHUP');
    await until('the old worker gone', () => hookLog(log).some((l) => l.startsWith('child_exit')));
    dwi.signal('SIGTTIN');
    await until(
      'a second worker',
      () => hookLog(log).filter((l) => l.startsWith('post_worker_init')).length === 3,
    );
    expect((await dwi.stop()).code).toBe(0);
    const names = hookLog(log)
      .map((l) => l.split(' ')[0])
      .filter((n) => n !== 'pre_request' || true);
    const order = (list: string[]) => {
      let at = -1;
      for (const name of list) {
        const next = names.indexOf(name, at + 1);
        if (next === -1) return `${name} missing after index ${at} in ${names.join(',')}`;
        at = next;
      }
      return 'in order';
    };
    expect(
      order([
        'on_starting',
        'pre_fork',
        'post_fork',
        'post_worker_init',
        'when_ready',
        'pre_request',
        'post_request',
        'on_reload',
        'pre_fork',
        'post_fork',
        'post_worker_init',
        'worker_exit',
        'child_exit',
        'nworkers_changed',
        'pre_fork',
        'post_fork',
        'post_worker_init',
        'worker_exit',
        'child_exit',
        'on_exit',
      ]),
    ).toBe('in order');
    // Primary hooks run in the primary, worker hooks in a worker.
    const pidOf = (name: string) =>
      Number(
        hookLog(log)
          .find((l) => l.startsWith(`${name} `))!
          .split(' ')[1],
      );
    expect(pidOf('on_starting')).toBe(dwi.pid);
    expect(pidOf('when_ready')).toBe(dwi.pid);
    expect(pidOf('post_fork')).not.toBe(dwi.pid);
    expect(pidOf('post_worker_init')).toBe(pidOf('post_fork'));
  });
});
