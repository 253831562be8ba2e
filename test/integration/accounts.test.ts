import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, NODE, Dwi, freePort, TEST_ADMIN_PASSWORD, tempDataDir } from './harness.js';

/** Runs `dwi ARGS --data-dir DIR`, with `input` on stdin. */
function dwi(dir: string, args: string[], input = '') {
  const run = spawnSync(NODE, [CLI, ...args, '--data-dir', dir], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('dwi user and dwi token', () => {
  it('add, list, change and delete users; create, list and revoke tokens', () => {
    const dir = tempDataDir();
    const alice = dwi(dir, ['user', 'add', 'alice', '--role', 'operator']);
    expect(alice).toMatchObject({ code: 0, stderr: '' });
    expect(alice.stdout).toMatch(/^added user alice \(operator\); password: \S{20}\n$/);
    expect(statSync(join(dir, 'dwi.db')).mode & 0o777).toBe(0o600);
    expect(dwi(dir, ['user', 'add', 'bob', '--password-stdin'], 'a long enough secret\n')).toEqual({
      code: 0,
      stdout: 'added user bob (viewer)\n',
      stderr: '',
    });
    expect(dwi(dir, ['user', 'add', 'bob'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'dwi: error: user bob exists already\n',
    });
    expect(dwi(dir, ['user', 'add', 'carol', '--password-stdin'], 'short\n').stderr).toBe(
      'dwi: error: the password must have at least 12 characters\n',
    );
    expect(dwi(dir, ['user', 'add', 'dave', '--role', 'root']).stderr).toBe(
      'dwi: error: --role must be one of viewer, operator, admin\n',
    );
    const list = dwi(dir, ['user', 'list']).stdout.split('\n');
    expect(list[0]).toMatch(/^USER\s+ROLE\s+CREATED$/);
    expect(list.slice(1, 3).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['alice', 'operator'],
      ['bob', 'viewer'],
    ]);
    expect(
      dwi(dir, ['user', 'passwd', 'bob', '--password-stdin'], 'another long secret\n'),
    ).toEqual({
      code: 0,
      stdout: 'password of bob changed; their sessions ended, tokens revoked\n',
      stderr: '',
    });

    expect(dwi(dir, ['token', 'create', '--user', 'alice', '--role', 'admin']).stderr).toBe(
      'dwi: error: a token of alice can be at most operator\n',
    );
    const created = dwi(dir, [
      'token',
      'create',
      '--user',
      'alice',
      '--name',
      'ci',
      '--expires-in',
      '7',
    ]);
    // A hex id: one starting with "-" (base64url could) was read as a flag by `token revoke`.
    const [, id, token] =
      /^created token ([0-9a-f]{12}) \(operator, expires \S+\): (dwi_\S{43})\n$/.exec(
        created.stdout,
      )!;
    const tokens = dwi(dir, ['token', 'list']).stdout;
    expect(tokens).toContain(id);
    expect(tokens).not.toContain(token!); // shown once, stored as a hash
    expect(dwi(dir, ['token', 'revoke', id!]).stdout).toBe(`revoked token ${id}\n`);
    expect(dwi(dir, ['token', 'revoke', id!]).stderr).toBe(`dwi: error: no live token ${id}\n`);
    // A new password revokes the user's tokens unless told to keep them.
    const other = /created token (\S+) /.exec(
      dwi(dir, ['token', 'create', '--user', 'alice']).stdout,
    )![1]!;
    const revokedOf = (tokenId: string) =>
      dwi(dir, ['token', 'list'])
        .stdout.split('\n')
        .find((line) => line.startsWith(tokenId))!
        .split(/\s+/)
        .at(-2);
    expect(
      dwi(
        dir,
        ['user', 'passwd', 'alice', '--password-stdin', '--keep-tokens'],
        'kept tokens, new\n',
      ).stdout,
    ).toBe('password of alice changed; their sessions ended\n');
    expect(revokedOf(other)).toBe('-');
    expect(
      dwi(dir, ['user', 'passwd', 'alice', '--password-stdin'], 'tokens go, now\n').stdout,
    ).toBe('password of alice changed; their sessions ended, tokens revoked\n');
    expect(revokedOf(other)).toMatch(/^\d{4}-/);
    expect(dwi(dir, ['user', 'role', 'alice', 'viewer']).stdout).toBe('alice is now viewer\n');
    expect(dwi(dir, ['user', 'del', 'alice']).stdout).toBe(
      'deleted user alice, with their sessions and tokens\n',
    );
    expect(dwi(dir, ['token', 'list']).stdout).not.toContain(id);
    expect(dwi(dir, ['user', 'frob']).stderr).toMatch(
      /^dwi: error: unknown command: dwi user frob\nusage:/,
    );
  });
});

describe('the first start', () => {
  it('creates admin with a password shown once on stderr, or from DWI_ADMIN_PASSWORD', async () => {
    const dir = tempDataDir();
    const port = await freePort();
    const first = await Dwi.start(['-b', `127.0.0.1:${port}`], {
      env: { DWI_DATA_DIR: dir, DWI_ADMIN_PASSWORD: '' },
    });
    await first.stop();
    expect(first.stderr).toMatch(/created user "admin" with the password {2}\S{20}\n/);
    const again = await Dwi.start(['-b', `127.0.0.1:${port}`], {
      env: { DWI_DATA_DIR: dir, DWI_ADMIN_PASSWORD: '' },
    });
    await again.stop();
    expect(again.stderr).not.toContain('password');
    expect(dwi(dir, ['user', 'list']).stdout).toMatch(/\nadmin\s+admin\s/);

    const given = tempDataDir();
    const third = await Dwi.start(['-b', `127.0.0.1:${port}`, '--log-level', 'info'], {
      env: { DWI_DATA_DIR: given, DWI_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD },
    });
    await third.stop();
    expect(third.stderr).toContain(
      'created user "admin" with the password from DWI_ADMIN_PASSWORD',
    );
    expect(third.stderr).not.toMatch(/password {2}\S/);
  });

  it('refuses a DWI_ADMIN_PASSWORD that is too short, and an unusable data_dir, in one line', async () => {
    const port = await freePort();
    const short = await Dwi.run(['-b', `127.0.0.1:${port}`], {
      DWI_DATA_DIR: tempDataDir(),
      DWI_ADMIN_PASSWORD: 'short',
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('DWI_ADMIN_PASSWORD must have at least 12 characters');
    // A data_dir under a plain file cannot exist.
    const file = join(tempDataDir(), 'a-file');
    writeFileSync(file, '');
    const blocked = await Dwi.run(['-b', `127.0.0.1:${port}`], {
      DWI_DATA_DIR: join(file, 'data'),
    });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`cannot open the database in ${file}/data: ENOTDIR`);
    expect(blocked.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
