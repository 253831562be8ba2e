import { existsSync } from 'node:fs';

/** Integration tests start dist/server/cli.js: `npm test` builds it first (pretest). */
export default function setup(): void {
  if (!existsSync(new URL('../dist/server/cli.js', import.meta.url))) {
    throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
  }
}
