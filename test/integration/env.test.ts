/**
 * DWI_* variables dwi does not own: a Kubernetes Service named dwi sets some in every pod,
 * and a typo sets others. The first must not stop dwi; the second is worth a warning.
 */
import { describe, expect, it } from 'vitest';
import { Dwi, freePort, request } from './harness.js';

const SERVICE_LINKS = {
  DWI_PORT: 'tcp://10.0.0.9:5000',
  DWI_SERVICE_HOST: '10.0.0.9',
  DWI_SERVICE_PORT: '5000',
  DWI_PORT_5000_TCP: 'tcp://10.0.0.9:5000',
  DWI_PORT_5000_TCP_ADDR: '10.0.0.9',
  DWI_PORT_5000_TCP_PORT: '5000',
  DWI_PORT_5000_TCP_PROTO: 'tcp',
};

describe('foreign DWI_* variables', () => {
  it("start: a Kubernetes Service's are ignored silently, a typo is warned of with its fix", async () => {
    const port = await freePort();
    const dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
      env: { ...SERVICE_LINKS, DWI_WORKER: '2' },
    });
    expect((await request(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    await dwi.waitFor(
      'stderr',
      /\[WARNING\] unknown environment variable DWI_WORKER ignored \(did you mean DWI_WORKERS\?\)\n/,
    );
    expect(dwi.stderr.match(/unknown environment variable/g)).toHaveLength(1);
    for (const name of Object.keys(SERVICE_LINKS)) expect(dwi.stderr).not.toContain(name);
    expect((await dwi.stop()).code).toBe(0);
  });

  it('--check-config: the typo fails the check, the service links do not', async () => {
    const typo = await Dwi.run(['--check-config'], { ...SERVICE_LINKS, DWI_WORKER: '2' });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      'dwi: error: unknown environment variable DWI_WORKER (did you mean DWI_WORKERS?)\n',
    );
    const links = await Dwi.run(['--check-config'], SERVICE_LINKS);
    expect(links).toEqual({ code: 0, stdout: 'configuration OK\n', stderr: '' });
  });
});
