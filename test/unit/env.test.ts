import { describe, expect, it } from 'vitest';
import { classifyEnv, readEnv, suggestEnvName } from '../../src/server/config/env.js';
import { loadConfig } from '../../src/server/config/load.js';

/** What Kubernetes sets in every pod of the namespace for a Service `dwi` on port 5000. */
const KUBERNETES_SERVICE_DWI = {
  DWI_SERVICE_HOST: '10.0.0.9',
  DWI_SERVICE_PORT: '5000',
  DWI_SERVICE_PORT_HTTP: '5000',
  DWI_PORT: 'tcp://10.0.0.9:5000',
  DWI_PORT_5000_TCP: 'tcp://10.0.0.9:5000',
  DWI_PORT_5000_TCP_PROTO: 'tcp',
  DWI_PORT_5000_TCP_PORT: '5000',
  DWI_PORT_5000_TCP_ADDR: '10.0.0.9',
};

describe('classifyEnv', () => {
  it("knows dwi's own names and leaves others alone", () => {
    expect(classifyEnv('DWI_WORKERS', '2')).toBe('dwi');
    expect(classifyEnv('WEB_CONCURRENCY', '2')).toBe('dwi');
    expect(classifyEnv('DOCKER_HOST', 'unix:///x')).toBe('dwi');
    expect(classifyEnv('DWI_ADMIN_PASSWORD', 'x')).toBe('dwi');
    expect(classifyEnv('DWI_CMD_ARGS', '-w 2')).toBe('dwi');
    expect(classifyEnv('HOME', '/root')).toBe('other');
  });

  it("recognises a Kubernetes Service's variables, for dwi and for dwi-<name>", () => {
    for (const [name, value] of Object.entries(KUBERNETES_SERVICE_DWI))
      expect([name, classifyEnv(name, value)]).toEqual([name, 'service_link']);
    // A Service named dwi-web.
    expect(classifyEnv('DWI_WEB_SERVICE_HOST', '10.0.0.10')).toBe('service_link');
    expect(classifyEnv('DWI_WEB_PORT', 'tcp://10.0.0.10:80')).toBe('service_link');
    expect(classifyEnv('DWI_WEB_PORT_80_TCP_ADDR', '10.0.0.10')).toBe('service_link');
    expect(classifyEnv('DWI_WEB_PORT_53_UDP', 'udp://10.0.0.10:53')).toBe('service_link');
  });

  it("recognises a Docker link's variables", () => {
    expect(classifyEnv('DWI_NAME', '/app/dwi')).toBe('service_link');
    expect(classifyEnv('DWI_ENV_DWI_ADMIN_PASSWORD', 'x')).toBe('service_link');
    expect(classifyEnv('DWI_PORT_5000_TCP', 'tcp://172.17.0.2:5000')).toBe('service_link');
  });

  it('takes a link-shaped name with an unlinked value for a mistake', () => {
    // Someone who thought DWI_PORT sets the port: a Kubernetes value is always a URL.
    expect(classifyEnv('DWI_PORT', '8080')).toBe('unknown');
    expect(classifyEnv('DWI_SERVICE_PORT', 'http')).toBe('unknown');
    expect(classifyEnv('DWI_NAME', 'dwi')).toBe('unknown');
    expect(classifyEnv('DWI_WORKER', '2')).toBe('unknown');
    expect(classifyEnv('DWI_', '')).toBe('unknown');
  });
});

describe('suggestEnvName', () => {
  it('names the near setting', () => {
    expect(suggestEnvName('DWI_WORKER')).toBe(' (did you mean DWI_WORKERS?)');
    expect(suggestEnvName('DWI_LOGLEVL')).toBe(' (did you mean DWI_LOGLEVEL?)');
    expect(suggestEnvName('DWI_ADMIN_PASWORD')).toBe(' (did you mean DWI_ADMIN_PASSWORD?)');
  });

  it('names none when nothing is near, however alike the DWI_ prefix makes them', () => {
    expect(suggestEnvName('DWI_FOO')).toBe('');
    expect(suggestEnvName('DWI_PORT')).toBe('');
  });
});

describe('readEnv and loadConfig', () => {
  it('ignore service links silently and warn of the rest, once each, sorted', async () => {
    const env = { ...KUBERNETES_SERVICE_DWI, DWI_WORKER: '2', DWI_ZZZ: '1', DWI_WORKERS: '3' };
    expect(readEnv(env).unknown).toEqual(['DWI_WORKER', 'DWI_ZZZ']);
    const loaded = await loadConfig([], env);
    expect(loaded.errors).toEqual([]);
    expect(loaded.settings.workers).toBe(3);
    expect(loaded.warnings).toEqual([
      'unknown environment variable DWI_WORKER ignored (did you mean DWI_WORKERS?)',
      'unknown environment variable DWI_ZZZ ignored',
    ]);
  });

  it('let --check-config pass with service links alone', async () => {
    const loaded = await loadConfig(['--check-config'], KUBERNETES_SERVICE_DWI);
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([]);
  });
});
