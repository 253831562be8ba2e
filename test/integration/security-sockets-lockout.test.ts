/**
 * Issue 11, Medium 6: the login lockout cannot be raced. Each attempt is reserved in the
 * database before its (slow) password check, so concurrent wrong passwords for one user name
 * get at most the limit of real checks, on one worker or several, whatever address they claim.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, NODE, Dwi, freePort, request, seededDataDir, type Reply } from './harness.js';

const PASSWORD = 'the right password, really';
const LIMIT = 5;

describe.each([1, 2])('the login lockout with %i worker(s)', (workers) => {
  it('gives 40 concurrent wrong passwords at most 5 real checks, then locks the right one out', async () => {
    const dataDir = await seededDataDir();
    const added = spawnSync(
      NODE,
      [CLI, 'user', 'add', 'raced', '--password-stdin', '--data-dir', dataDir],
      { input: `${PASSWORD}\n`, encoding: 'utf8' },
    );
    expect(added.status).toBe(0);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`, '-w', String(workers)], {
      env: { DWI_DATA_DIR: dataDir },
    });
    try {
      // Each from its own address (through the trusted local proxy), so the per-address login
      // limit stays out of the way: only the per-user lockout stands between them and the hash.
      const login = (password: string, i: number) =>
        request(`${base}/api/auth/login`, {
          auth: false,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
          body: JSON.stringify({ username: 'raced', password }),
        });
      const replies: Reply[] = await Promise.all(
        Array.from({ length: 40 }, (_, i) => login(`wrong guess ${i}`, i + 1)),
      );
      // A 401 is only ever answered after a real password check; a locked attempt gets a 429.
      const checked = replies.filter((r) => r.status === 401);
      const locked = replies.filter((r) => r.status === 429);
      expect(checked.length).toBeGreaterThan(0);
      expect(checked.length).toBeLessThanOrEqual(LIMIT);
      expect(checked.length + locked.length).toBe(40);
      for (const reply of locked)
        expect(reply.json()).toMatchObject({
          code: 'rate_limited',
          error: 'Too many failed logins for raced: locked for up to 15 minutes',
        });

      const right = await login(PASSWORD, 100);
      expect(right.status).toBe(429);
    } finally {
      await dwi.stop();
    }
  }, 60_000);
});
