/** The Docker client, from the docker_host setting (unix socket, tcp, tcp+TLS). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// ssh2 and gRPC, which dockerode and docker-modem require as they load and dwi never calls,
// are made lazy by the build (scripts/build-server.mjs).
import Docker from 'dockerode';
import type { Settings } from '../config/settings.js';

export type EngineSettings = Pick<
  Settings,
  'docker_host' | 'docker_tls_verify' | 'docker_cert_path'
>;

export function createClient(settings: EngineSettings): Docker {
  const url = new URL(settings.docker_host);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  if (url.protocol !== 'tcp:') {
    throw new Error(`docker_host ${settings.docker_host}: only unix:// and tcp:// are supported`);
  }
  const port = Number(url.port || (settings.docker_tls_verify ? 2376 : 2375));
  if (!settings.docker_tls_verify && settings.docker_cert_path === null) {
    return new Docker({ host: url.hostname, port, protocol: 'http' });
  }
  if (settings.docker_cert_path === null) {
    throw new Error('docker_tls_verify needs docker_cert_path (DOCKER_CERT_PATH)');
  }
  const dir = settings.docker_cert_path;
  const read = (name: string) => readFileSync(join(dir, name));
  return new Docker({
    host: url.hostname,
    port,
    protocol: 'https',
    ca: read('ca.pem'),
    cert: read('cert.pem'),
    key: read('key.pem'),
    // DOCKER_TLS_VERIFY unset with a cert path: TLS, but the engine's certificate is not checked.
    ...(settings.docker_tls_verify ? {} : { checkServerIdentity: () => undefined }),
  } as Docker.DockerOptions);
}
