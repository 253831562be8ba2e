import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const onlyIn = (what, where) => ({
  group: [what, `${what}/*`],
  message: `Only ${where} may import ${what} (see DESIGN.md section 2).`,
});

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
    // The import direction of DESIGN.md section 2 (two rule names so both apply to one file).
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
