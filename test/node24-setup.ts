import type { TestProject } from 'vitest/node';
import { node24App, prepareNode24 } from './support/node24.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** In the project node24 only: the Node 24 binary and the cli.js of dwi laid out for it. */
    node24?: { node: string; version: string; cli: string };
  }
}

/**
 * The project node24 runs a chosen set of integration files again with dwi on Node 24
 * (test/support/node24.ts); test/support/dwi.ts starts it with what is provided here.
 */
export default function setup(project: TestProject): () => void {
  const started = Date.now();
  const node24 = prepareNode24();
  const app = node24App(node24);
  console.log(`node24: ${node24.version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('node24', { node: node24.node, version: node24.version, cli: app.cli });
  return app.remove;
}
