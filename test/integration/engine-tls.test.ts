import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerCli,
  startTestEngine,
  stopTestEngine,
  TEST_IMAGE,
  type TestEngine,
} from '../engine/engine.js';
import { Dwi, freePort, request, tempDir, until } from './harness.js';

const dir = tempDir('dwi-tls-');
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as DOCKER_CERT_PATH wants them. */
function makeCertificates(into: string, ca: string): void {
  mkdirSync(join(dir, into), { recursive: true });
  const at = (name: string) => join(into, name);
  if (ca === into) {
    openssl('genrsa', '-out', at('ca-key.pem'), '2048');
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      at('ca-key.pem'),
      '-days',
      '1',
      '-subj',
      `/CN=${into}-ca`,
      '-out',
      at('ca.pem'),
    );
  }
  const sign = (name: string, subject: string, extensions: string) => {
    openssl('genrsa', '-out', at(`${name}-key.pem`), '2048');
    openssl(
      'req',
      '-new',
      '-key',
      at(`${name}-key.pem`),
      '-subj',
      subject,
      '-out',
      at(`${name}.csr`),
    );
    writeFileSync(join(dir, at(`${name}.ext`)), extensions);
    openssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      join(ca, 'ca.pem'),
      '-CAkey',
      join(ca, 'ca-key.pem'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      at(`${name}.ext`),
      '-out',
      at(`${name}-cert.pem`),
    );
  };
  sign('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=dwi', 'extendedKeyUsage=clientAuth\n');
  execFileSync('cp', [at('client-cert.pem'), at('cert.pem')], { cwd: dir });
  execFileSync('cp', [at('client-key.pem'), at('key.pem')], { cwd: dir });
  if (ca !== into) execFileSync('cp', [join(ca, 'ca.pem'), at('ca.pem')], { cwd: dir });
}

let engine: TestEngine;
let port: number;

beforeAll(async () => {
  makeCertificates('good', 'good');
  makeCertificates('other', 'other');
  port = await freePort();
  engine = await startTestEngine([
    '--host',
    `tcp://127.0.0.1:${port}`,
    '--tlsverify',
    '--tlscacert',
    join(dir, 'good', 'ca.pem'),
    '--tlscert',
    join(dir, 'good', 'server-cert.pem'),
    '--tlskey',
    join(dir, 'good', 'server-key.pem'),
  ]);
  dockerCli(engine, ['run', '-d', '--init', '--name', 'over-tls', TEST_IMAGE, 'sleep', '600']);
});

afterAll(async () => {
  if (engine !== undefined) await stopTestEngine(engine);
});

describe('an engine over tcp with TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  it('is reached with the right certificates', async () => {
    const web = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${web}`], {
      env: {
        DOCKER_HOST: `tcp://127.0.0.1:${port}`,
        DWI_DOCKER_HOST: '',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: join(dir, 'good'),
      },
    });
    const list = (await request(`http://127.0.0.1:${web}/api/containers`)).json().data as Array<{
      name: string;
    }>;
    expect(list.map((c) => c.name)).toEqual(['over-tls']);
    await dwi.stop();
  });

  it('is refused, and said to be unavailable, with a certificate from another CA', async () => {
    const web = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${web}`], {
      waitUrl: null,
      env: {
        DWI_DOCKER_HOST: `tcp://127.0.0.1:${port}`,
        DWI_DOCKER_TLS_VERIFY: 'true',
        DWI_DOCKER_CERT_PATH: join(dir, 'other'),
      },
    });
    const ready = await until('a readiness answer', async () => {
      try {
        const reply = await request(`http://127.0.0.1:${web}/api/ready`);
        return reply.json().data?.engine?.detail !== 'connecting' ? reply : undefined;
      } catch {
        return undefined;
      }
    });
    expect(ready.status).toBe(503);
    expect(ready.json().data.checks.engine.ok).toBe(false);
    expect((await request(`http://127.0.0.1:${web}/api/containers`)).status).toBe(503);
    await dwi.stop();
  });
});
