import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';
import { readdirSync } from 'node:fs';

const onlyIn = (what, where) => ({
  group: [what, `${what}/*`],
  message: `Only ${where} may import ${what} (docs/architecture.md).`,
});

const server = (...names) => names.map((name) => `./src/server/${name}`);
/** The server's layers, lowest first: each may import only from those before it. */
const LAYERS = [
  ['util'],
  ['logging'],
  ['config'],
  ['store'],
  ['auth'],
  ['engine'],
  ['history'],
  ['http', 'realtime', 'metrics.ts'],
  ['supervisor'],
  ['demo'],
  ['app'],
];
const layerZones = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1).flat();
  return layer.map((name) => ({
    target: `./src/server/${name}`,
    from: server(...above, 'cli.ts'),
    message: `src/server/${name} sits below what it imports here: data flows one way (docs/architecture.md).`,
  }));
});

/**
 * The web app's one-way rule (bulletproof-react's): app/ composes features; a feature imports
 * shared code (components/, lib/, src/shared) but never another feature; shared code imports
 * no feature and not app/.
 */
const FEATURES = readdirSync(new URL('./src/web/features', import.meta.url), {
  withFileTypes: true,
})
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const webZones = [
  ...FEATURES.map((feature) => ({
    target: `./src/web/features/${feature}`,
    from: './src/web/features',
    except: [`./${feature}`],
    message: 'A feature does not import another feature: share through lib/ or components/.',
  })),
  ...['components', 'lib'].map((dir) => ({
    target: `./src/web/${dir}`,
    from: ['./src/web/features', './src/web/app'],
    message: `src/web/${dir} is shared code: it imports no feature and not app/.`,
  })),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // One-way layers (docs/architecture.md), and no import cycles.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      // Without .ts here, no-cycle follows no TypeScript import and never fires.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...layerZones,
            {
              target: './src/server/supervisor',
              from: server('store', 'auth', 'engine', 'history', 'http', 'realtime', 'metrics.ts'),
              message:
                'supervisor/ is the process shell: it runs an application through supervisor/app.ts and knows none of its parts.',
            },
            {
              target: './src/server/http',
              from: server('realtime'),
              message: 'http/ and realtime/ are siblings: share code through a lower layer.',
            },
            {
              target: './src/server/realtime',
              from: server('http'),
              message: 'http/ and realtime/ are siblings: share code through a lower layer.',
            },
            {
              target: './src/shared',
              from: ['./src/server', './src/web'],
              message: 'src/shared is imported by the server and the web app; it imports neither.',
            },
            {
              target: './src/web',
              from: './src/server',
              message: 'The web app imports src/shared only.',
            },
            {
              target: './src/server',
              from: './src/web',
              message: 'Nothing imports the web app.',
            },
            ...webZones,
          ],
        },
      ],
    },
  },
  {
    files: ['src/web/**/*.{ts,tsx}', 'src/web/public/**/*.js'],
    ignores: ['src/web/vite.config.ts'],
    languageOptions: { globals: globals.browser },
    plugins: reactHooks.configs.flat.recommended.plugins,
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Only these modules may import these packages (two rule names so both apply to one file).
    files: ['src/**/*.ts'],
    ignores: ['src/server/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            onlyIn('dockerode', 'src/server/engine/'),
            onlyIn('docker-modem', 'src/server/engine/'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/server/store/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [onlyIn('better-sqlite3', 'src/server/store/')] },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/server/cli.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'argv',
          message: 'Only src/server/cli.ts reads process.argv.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/server/config/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/server/config/ reads the environment.',
        },
      ],
    },
  },
);
