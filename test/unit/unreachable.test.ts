import { describe, expect, it } from 'vitest';
import { explainUnreachable } from '../../src/server/engine/unreachable.js';

const DEFAULT = 'unix:///var/run/docker.sock';

/** The explanation with its steps as one text, as the log line has them. */
function explain(...args: Parameters<typeof explainUnreachable>) {
  const { detail, advice } = explainUnreachable(...args);
  return { detail, advice: advice.join(' '), steps: advice };
}

describe('explainUnreachable', () => {
  it('a missing socket: names the path, says to start the engine or point elsewhere', () => {
    const { detail, advice } = explain(DEFAULT, 'ENOENT');
    expect(detail).toBe(
      "cannot reach the Docker engine's socket /var/run/docker.sock: it does not exist (ENOENT)",
    );
    expect(advice).toContain('systemctl start docker');
    expect(advice).toContain('-v /var/run/docker.sock:/var/run/docker.sock');
    expect(advice).toContain('--docker-host unix:///PATH or tcp://HOST:PORT');
    expect(advice).toContain('DOCKER_HOST or DWI_DOCKER_HOST');
    expect(explain(DEFAULT, 'ENOENT').steps).toHaveLength(3);
  });

  it("no access: names the socket's group and how to join it", () => {
    const { detail, advice } = explain(DEFAULT, 'EACCES', {
      owner: { gid: 998, group: 'docker', mode: 0o660 },
      uid: 1001,
    });
    expect(detail).toBe(
      "cannot reach the Docker engine's socket /var/run/docker.sock: permission denied (EACCES)",
    );
    expect(advice).toContain('The socket belongs to group docker (998)');
    expect(advice).toContain('the user dwi runs as (uid 1001)');
    expect(advice).toContain('usermod -aG docker USER');
    expect(advice).toContain('SupplementaryGroups=docker');
    expect(advice).toContain('--group-add 998');
  });

  it('no access, group unnamed or without rights: the id, or the usual docker group', () => {
    expect(
      explain(DEFAULT, 'EACCES', { owner: { gid: 4242, group: undefined, mode: 0o660 } }).advice,
    ).toContain('The socket belongs to group 4242: add the user dwi runs as to it');
    // A group without read and write on the socket grants nothing: say the usual way.
    const owner = { gid: 0, group: 'root', mode: 0o600 };
    const { advice } = explain(DEFAULT, 'EACCES', { owner });
    expect(advice).not.toContain('group root');
    expect(advice).toContain("the socket's group, docker");
  });

  it('a socket left by a stopped engine: says it is not answering', () => {
    const { detail, advice } = explain('unix:///run/user/1000/docker.sock', 'ECONNREFUSED');
    expect(detail).toBe(
      "cannot reach the Docker engine's socket /run/user/1000/docker.sock: it exists but no engine answers (ECONNREFUSED)",
    );
    expect(advice).toContain('dwi connects by itself');
  });

  it('tcp: names host and port, with advice fitting the error', () => {
    const refused = explain('tcp://10.0.0.5:2375', 'ECONNREFUSED');
    expect(refused.detail).toBe(
      'cannot reach the Docker engine at 10.0.0.5:2375: connection refused (ECONNREFUSED)',
    );
    expect(refused.advice).toContain('-H tcp://10.0.0.5:2375');
    expect(explain('tcp://docker.invalid:2376', 'ENOTFOUND').detail).toBe(
      'cannot reach the Docker engine at docker.invalid:2376: the host name does not resolve (ENOTFOUND)',
    );
    expect(explain('tcp://10.0.0.5:2375', 'ETIMEDOUT').advice).toContain('firewall');
  });

  it('any other code: still the address and how to point elsewhere', () => {
    const { detail, advice } = explain(DEFAULT, 'ECONNRESET');
    expect(detail).toBe(
      "cannot reach the Docker engine's socket /var/run/docker.sock (ECONNRESET)",
    );
    expect(advice).toContain('--docker-host');
  });
});
