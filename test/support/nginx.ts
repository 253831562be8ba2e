/**
 * A real nginx (Debian's) in front of dwi, with a config generated from deploy/nginx.conf: the
 * same upstream, map and location blocks, with the upstream's port, the listen address and
 * the Socket.IO read timeout substituted, and the TLS server left out. It runs as a child of
 * the test (no daemon, no master) with its prefix, pid and temp files in its own directory,
 * and is stopped by its PID.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request, selfSignedCert, until } from './http.js';

export const NGINX = '/usr/sbin/nginx';
export const NGINX_CONF = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));

export interface NginxSite {
  /** dwi's port on 127.0.0.1. */
  upstreamPort: number;
  /** nginx's port on 127.0.0.1. */
  listenPort: number;
  /** Seconds, for the proxy_read_timeout of /socket.io/. */
  readTimeout: number;
}

/** The top-level blocks of an nginx file, comments dropped: `upstream dwi { ... }` and so on. */
export function topLevelBlocks(text: string): string[] {
  const code = text.replace(/#[^\n]*/g, '');
  const blocks: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < code.length; i++) {
    if (code[i] === '{') {
      // A block starts after the statement or block before it.
      if (depth === 0) start = Math.max(code.lastIndexOf(';', i), code.lastIndexOf('}', i)) + 1;
      depth += 1;
    } else if (code[i] === '}') {
      depth -= 1;
      if (depth === 0) blocks.push(code.slice(start, i + 1).trim());
    }
  }
  return blocks;
}

/** The location blocks of a server block, as written. */
export function locationsOf(server: string): string[] {
  return [...server.matchAll(/^\s*location [^{]+\{[^}]*\}/gm)].map((m) => m[0].trim());
}

/** Replaces `pattern` in `text`, which must match it exactly `times` times. */
function substitute(text: string, pattern: RegExp, replacement: string, times: number): string {
  const count = text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
  if (count !== times)
    throw new Error(`deploy/nginx.conf changed: ${pattern} matched ${count} times`);
  return text.replace(new RegExp(pattern.source, 'g'), replacement);
}

/** The http-block content for a test: deploy/nginx.conf's plain server, on loopback. */
export function testSite(site: NginxSite): string {
  const blocks = topLevelBlocks(readFileSync(NGINX_CONF, 'utf8'));
  const upstream = blocks.find((b) => b.startsWith('upstream dwi'));
  const map = blocks.find((b) => b.startsWith('map $http_upgrade'));
  const servers = blocks.filter((b) => b.startsWith('server'));
  const plain = servers.find((b) => /listen 80;/.test(b));
  if (upstream === undefined || map === undefined || plain === undefined)
    throw new Error('deploy/nginx.conf changed: no upstream dwi, map or plain server block');
  let server = substitute(plain, /listen 80;/, `listen 127.0.0.1:${site.listenPort};`, 1);
  server = substitute(server, /listen \[::\]:80;/, '', 1);
  // The Socket.IO location's read timeout: the one a long-lived stream must outlive.
  const socketIo = /location \/socket\.io\/ \{[^}]*\}/.exec(server)?.[0];
  if (socketIo === undefined) throw new Error('deploy/nginx.conf changed: no location /socket.io/');
  server = server.replace(
    socketIo,
    substitute(socketIo, /proxy_read_timeout \d+s;/, `proxy_read_timeout ${site.readTimeout}s;`, 1),
  );
  return [
    substitute(upstream, /server 127\.0\.0\.1:5000;/, `server 127.0.0.1:${site.upstreamPort};`, 1),
    map,
    server,
  ].join('\n\n');
}

const TEMP_DIRS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/** nginx's main file around an http block's `content`, everything it writes under `dir`. */
function writeMainConfig(dir: string, content: string): string {
  for (const sub of ['logs', ...TEMP_DIRS]) mkdirSync(join(dir, sub), { recursive: true });
  const config = join(dir, 'nginx.conf');
  writeFileSync(
    config,
    [
      // One process, this test's child, as the user running the test.
      'daemon off;',
      'master_process off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs', 'error.log')} info;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${join(dir, 'logs', 'access.log')};`,
      ...TEMP_DIRS.map((sub) => `  ${sub}_temp_path ${join(dir, sub)};`),
      content,
      '}',
      '',
    ].join('\n'),
  );
  return config;
}

/**
 * `nginx -t` on the whole of deploy/nginx.conf, TLS server included, with its certificate
 * placeholders pointing at a self-signed pair: nginx's own verdict (status and output).
 */
export function checkDeployConfig(): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dwi-nginx-check-'));
  try {
    const { cert, key } = selfSignedCert(dir);
    const text = readFileSync(NGINX_CONF, 'utf8')
      .replace(/ssl_certificate +\S+;/, `ssl_certificate ${cert};`)
      .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${key};`);
    const config = writeMainConfig(dir, text);
    const run = spawnSync(
      NGINX,
      ['-t', '-p', dir, '-c', config, '-e', join(dir, 'logs', 'error.log')],
      {
        encoding: 'utf8',
      },
    );
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class Nginx {
  readonly exited: Promise<number | null>;
  stderr = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly dir: string,
  ) {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts nginx with deploy/nginx.conf's site and waits until it proxies /api/health. */
  static async start(site: NginxSite): Promise<Nginx> {
    const dir = mkdtempSync(join(tmpdir(), 'dwi-nginx-'));
    for (const sub of ['logs', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      mkdirSync(join(dir, sub));
    const config = writeMainConfig(dir, testSite(site));
    const child = spawn(NGINX, ['-p', dir, '-c', config, '-e', join(dir, 'logs', 'error.log')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const nginx = new Nginx(child, dir);
    await until(
      () => `nginx on port ${site.listenPort}; stderr: ${nginx.stderr}`,
      async () => {
        if (child.exitCode !== null)
          throw new Error(`nginx exited (${child.exitCode}): ${nginx.stderr}`);
        try {
          return (
            (await request(`http://127.0.0.1:${site.listenPort}/api/health`, { timeoutMs: 1000 }))
              .status === 200
          );
        } catch {
          return false;
        }
      },
    );
    return nginx;
  }

  errorLog(): string {
    return readFileSync(join(this.dir, 'logs', 'error.log'), 'utf8');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGQUIT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
