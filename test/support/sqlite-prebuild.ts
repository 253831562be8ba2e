import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './command.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

/**
 * Stores a compiled better-sqlite3 addon in an npm cache as the download prebuild-install tries
 * first (its _prebuilds/), so that installing better-sqlite3 with that cache takes it, as a user
 * with internet access takes the published binary, instead of compiling SQLite for minutes.
 * `packageDir` is the better-sqlite3 it was built in, `abi` the ABI of the Node it was built for
 * (that Node's process.versions.modules).
 */
export function storeSqlitePrebuild(npmCache: string, packageDir: string, abi: string): void {
  const util = requireFromRoot('prebuild-install/util') as {
    getDownloadUrl(opts: Record<string, unknown>): string;
    cachedPrebuild(url: string): string;
  };
  const url = util.getDownloadUrl({
    pkg: requireFromRoot('better-sqlite3/package.json'),
    'tag-prefix': 'v',
    runtime: 'node',
    abi,
    platform: 'linux',
    arch: 'x64',
    libc: '',
  });
  // prebuild-install finds its cache through this variable, as npm sets it for install scripts.
  const previous = process.env.npm_config_cache;
  process.env.npm_config_cache = npmCache;
  const prebuilt = util.cachedPrebuild(url);
  if (previous === undefined) delete process.env.npm_config_cache;
  else process.env.npm_config_cache = previous;
  mkdirSync(dirname(prebuilt), { recursive: true });
  runCommand('tar', ['-czf', prebuilt, '-C', packageDir, 'build/Release/better_sqlite3.node'], {
    timeoutMs: 60_000,
  });
}
