/** The Docker client, from the docker_host setting (unix socket, tcp, tcp+TLS). */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import type DockerClient from 'dockerode';
import type { Settings } from '../config/settings.js';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * dockerode, loaded without what dwi never calls: docker-modem requires ssh2 (for ssh:// hosts,
 * which dwi does not offer) and dockerode requires gRPC (for BuildKit sessions, which dwi does
 * not open) as they load. That cost every worker about 9 MiB and a tenth of its start; they now
 * load only if something calls them. (Node 20 has no public hook for this: Module._load is the
 * one CommonJS loader every require goes through, and it is swapped only while dockerode loads.)
 */
function loadDockerode(): typeof DockerClient {
  const loader = Module as unknown as { _load: Loader };
  const load = loader._load;
  const later = (request: string, parent: unknown) => {
    let real: Record<string, unknown> | undefined;
    return () => (real ??= load(request, parent, false) as Record<string, unknown>);
  };
  loader._load = (request, parent, isMain) => {
    if (request === 'ssh2') {
      const ssh2 = later(request, parent);
      type Ssh2Client = new (...args: unknown[]) => object;
      // docker-modem reads `Client` as it loads and constructs one per ssh:// request.
      return {
        Client: function Client(...args: unknown[]) {
          return new (ssh2().Client as Ssh2Client)(...args);
        },
      };
    }
    if (request === '@grpc/grpc-js' || request === '@grpc/proto-loader') {
      const real = later(request, parent);
      return new Proxy({}, { get: (_target, key: string) => real()[key] });
    }
    return load(request, parent, isMain);
  };
  try {
    return createRequire(import.meta.url)('dockerode') as typeof DockerClient;
  } finally {
    loader._load = load;
  }
}

const Docker = loadDockerode();
type Docker = DockerClient;

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
  } as DockerClient.DockerOptions);
}
