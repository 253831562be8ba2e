/** The private test engine, under its old path: see test/support/engine.ts. */
export * from '../support/engine.js';
