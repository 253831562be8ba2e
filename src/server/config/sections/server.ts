import { parseBind } from '../bind.js';
import {
  defineSetting,
  oneOf,
  SettingError,
  toBool,
  toInt,
  toList,
  toOptionalStr,
  toStr,
} from '../setting.js';

const section = 'server';

export const serverSettings = [
  defineSetting({
    name: 'config',
    section,
    flags: ['-c', '--config'],
    metavar: 'CONFIG',
    default: null as string | null,
    convert: toOptionalStr,
    doc: 'Config file to load: .js/.mjs (may export hook functions) or .json.',
  }),
  defineSetting({
    name: 'bind',
    section,
    flags: ['-b', '--bind'],
    metavar: 'ADDRESS',
    repeatable: true,
    default: ['0.0.0.0:5000'],
    convert: (raw: unknown) => {
      const binds = toList(raw);
      if (binds.length === 0) throw new SettingError('needs at least one address');
      for (const bind of binds) parseBind(bind);
      return binds;
    },
    doc: 'Address to listen on: HOST:PORT, [IPV6]:PORT or unix:PATH. Repeat to listen on several.',
  }),
  defineSetting({
    name: 'workers',
    section,
    flags: ['-w', '--workers'],
    metavar: 'INT',
    env: ['DWI_WORKERS', 'WEB_CONCURRENCY'],
    default: 1,
    convert: toInt(1, 256),
    doc: 'Number of worker processes serving requests.',
  }),
  defineSetting({
    name: 'worker_class',
    section,
    flags: ['-k', '--worker-class'],
    metavar: 'STRING',
    default: 'node',
    convert: oneOf(['node'] as const, { eventlet: 'node', gevent: 'node' }),
    doc: "Worker type: node (Node's async event loop); eventlet and gevent are accepted as its names.",
  }),
  defineSetting({
    name: 'timeout',
    section,
    flags: ['-t', '--timeout'],
    metavar: 'INT',
    default: 120,
    convert: toInt(0),
    doc: 'A worker silent (event loop blocked) for this many seconds is killed and replaced; 0 disables.',
  }),
  defineSetting({
    name: 'graceful_timeout',
    section,
    flags: ['--graceful-timeout'],
    metavar: 'INT',
    default: 30,
    convert: toInt(0),
    doc: 'Seconds a stopping worker gets to finish in-flight requests before it is killed.',
  }),
  defineSetting({
    name: 'keepalive',
    section,
    flags: ['--keep-alive'],
    metavar: 'INT',
    default: 5,
    convert: toInt(0, 3600),
    doc: 'Seconds an idle keep-alive connection stays open.',
  }),
  defineSetting({
    name: 'max_requests',
    section,
    flags: ['--max-requests'],
    metavar: 'INT',
    default: 0,
    convert: toInt(0),
    doc: 'Restart a worker after it has served this many requests; 0 disables.',
  }),
  defineSetting({
    name: 'max_requests_jitter',
    section,
    flags: ['--max-requests-jitter'],
    metavar: 'INT',
    default: 0,
    convert: toInt(0),
    doc: 'Add a random 0..N to max_requests per worker so workers do not all restart at once.',
  }),
  defineSetting({
    name: 'reload',
    section,
    flags: ['--reload'],
    switch: true,
    default: false,
    convert: toBool,
    doc: 'Restart workers when the code, the config file or reload_extra_files change.',
  }),
  defineSetting({
    name: 'reload_extra_files',
    section,
    flags: ['--reload-extra-file'],
    metavar: 'FILE',
    repeatable: true,
    default: [] as string[],
    convert: toList,
    doc: 'More files to watch with reload. Repeat for several.',
  }),
  defineSetting({
    name: 'pidfile',
    section,
    flags: ['-p', '--pid'],
    metavar: 'FILE',
    default: null as string | null,
    convert: toOptionalStr,
    doc: "File to write the primary process's PID to; removed at exit.",
  }),
  defineSetting({
    name: 'data_dir',
    section,
    flags: ['--data-dir'],
    metavar: 'DIR',
    default: 'data',
    convert: toStr,
    doc: 'Directory for the database and other state.',
  }),
  defineSetting({
    name: 'docker_host',
    section,
    flags: ['--docker-host'],
    metavar: 'URL',
    env: ['DWI_DOCKER_HOST', 'DOCKER_HOST'],
    default: 'unix:///var/run/docker.sock',
    convert: (raw: unknown) => {
      const value = toStr(raw);
      if (!/^(unix|tcp|npipe|ssh):\/\//.test(value)) {
        throw new SettingError(`expected unix://PATH or tcp://HOST:PORT, got "${value}"`);
      }
      return value;
    },
    doc: 'Docker engine to talk to: unix://PATH or tcp://HOST:PORT (DOCKER_HOST works too).',
  }),
  defineSetting({
    name: 'docker_tls_verify',
    section,
    flags: ['--docker-tls-verify'],
    switch: true,
    env: ['DWI_DOCKER_TLS_VERIFY', 'DOCKER_TLS_VERIFY'],
    default: false,
    convert: toBool,
    doc: 'Talk TLS to a tcp:// engine and verify its certificate (DOCKER_TLS_VERIFY works too).',
  }),
  defineSetting({
    name: 'docker_cert_path',
    section,
    flags: ['--docker-cert-path'],
    metavar: 'DIR',
    env: ['DWI_DOCKER_CERT_PATH', 'DOCKER_CERT_PATH'],
    default: null as string | null,
    convert: toOptionalStr,
    doc: 'Directory with ca.pem, cert.pem and key.pem for a TLS engine (DOCKER_CERT_PATH works too).',
  }),
];
