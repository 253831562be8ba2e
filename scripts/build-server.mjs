/**
 * Bundles the server into dist/server: one minified file per process entry, so a worker
 * compiles and keeps one source text instead of a few hundred modules (bench/README.md:
 * module source was 6.3 MiB of an idle worker's heap). `npm run build:server` runs tsc first
 * for the type checks; this writes the code.
 *
 * Each entry keeps the path the unbundled build gave it (the bin, the arbiter's fork of
 * app/worker-entry.js, the log search's thread engine/matchworker.js), and inside a bundle every
 * module's `import.meta.url` still names the file it would have been compiled to, so paths
 * taken relative to a module (../../package.json, ../../web/, ./matchworker.js) are unchanged.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}dist/server`;

/** What a process runs, by its path under src/server (and dist/server). */
const ENTRIES = [
  'cli',
  'app/worker-entry',
  'engine/matchworker',
  'config/docs',
  'app/reference/write',
];

/** Left to Node's own loader: native addons, and the optional speed-ups ws tries to require. */
const EXTERNAL = ['better-sqlite3', '@node-rs/argon2', 'bufferutil', 'utf-8-validate'];

/**
 * A stand-in for a package, which loads the real one from node_modules at its first use. The
 * names its importer reads as it loads (`const { glob } = require('glob')`) forward each call.
 */
const onFirstUse = (name, readAtLoad = []) => `
  const real = () => require(${JSON.stringify(name)});
  const forward = (key) => function (...args) {
    return new.target ? new (real()[key])(...args) : real()[key].apply(this, args);
  };
  const early = { ${readAtLoad.map((key) => `${key}: forward('${key}')`).join(', ')} };
  module.exports = new Proxy(early, { get: (_target, key) => early[key] ?? real()[key] });`;

/**
 * What dwi never or seldom calls, left out of the bundle and loaded only if called, where the
 * packages that require them do so as they load:
 * - docker-modem: ssh2, for ssh:// hosts, which dwi does not offer (it instantiates a
 *   WebAssembly module with a 16 MiB memory as it loads);
 * - dockerode: gRPC for BuildKit sessions and protobufjs for BuildKit's build progress, neither
 *   of which dwi uses;
 * - @fastify/swagger: yaml, for the YAML form of the document (dwi serves JSON);
 * - @fastify/static: glob, to list the files of a root it serves by a route each (dwi does not);
 * - prom-client: OpenTelemetry, for exemplars (dwi records none).
 */
const LAZY = {
  ssh2: onFirstUse('ssh2', ['Client']),
  '@grpc/grpc-js': onFirstUse('@grpc/grpc-js'),
  '@grpc/proto-loader': onFirstUse('@grpc/proto-loader'),
  protobufjs: onFirstUse('protobufjs'),
  yaml: onFirstUse('yaml'),
  glob: onFirstUse('glob', ['glob']),
  '@opentelemetry/api': onFirstUse('@opentelemetry/api'),
};

const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    const names = Object.keys(LAZY).map((name) => name.replace(/[/@]/g, '\\$&'));
    const filter = new RegExp(`^(${names.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      // The stub's own require reaches the real package.
      args.namespace === 'lazy'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy' },
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: LAZY[args.path],
      loader: 'js',
    }));
  },
};

/** Every module's import.meta.url, as if it had been compiled to its own file beside the entry. */
function modulePaths(entry) {
  const entryDir = dirname(`${OUT}/${entry}.js`);
  return {
    name: 'module-paths',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(`${ROOT}src/`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const compiled = `${ROOT}dist/${relative(`${ROOT}src`, args.path)}`.replace(/\.ts$/, '.js');
        const own = `new URL(${JSON.stringify(relative(entryDir, compiled))}, import.meta.url).href`;
        return { contents: source.replaceAll('import.meta.url', own), loader: 'ts' };
      });
    },
  };
}

rmSync(OUT, { recursive: true, force: true });
await Promise.all(
  ENTRIES.map((entry) =>
    build({
      entryPoints: [`${ROOT}src/server/${entry}.ts`],
      outfile: `${OUT}/${entry}.js`,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20.19',
      // Not minifyIdentifiers: short names make V8's compile of the bundle peak about 8 MiB
      // higher in malloc'd memory, which glibc keeps for the life of the worker.
      minifyWhitespace: true,
      minifySyntax: true,
      // Names stay even where bundling renames a clash: errors and logs read class names.
      keepNames: true,
      sourcemap: true,
      sourcesContent: false,
      legalComments: 'linked',
      external: EXTERNAL,
      plugins: [lazyPackages, modulePaths(entry)],
      // Bundled CommonJS packages require Node's own modules; an ES module has no `require`.
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    }),
  ),
);

// V8 keeps each script's source for as long as its code lives, in one byte a character only
// if every character is Latin-1: one other character anywhere would double the bundle's cost.
for (const entry of ENTRIES) {
  const offset = readFileSync(`${OUT}/${entry}.js`).findIndex((byte) => byte > 0x7f);
  if (offset !== -1) throw new Error(`dist/server/${entry}.js: a non-ASCII byte at ${offset}`);
}
