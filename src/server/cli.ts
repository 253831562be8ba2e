#!/usr/bin/env node
/** `dwi`: argv -> config -> start. The only module that reads process.argv. */
import { renderConfig, renderHelp } from './config/help.js';
import { loadConfig } from './config/load.js';
import { Arbiter } from './supervisor/arbiter.js';
import { VERSION } from './version.js';

async function main(argv: string[]): Promise<number> {
  const loaded = await loadConfig(argv);
  const { actions } = loaded;
  if (actions.help) {
    process.stdout.write(renderHelp(VERSION));
    return 0;
  }
  if (actions.version) {
    process.stdout.write(`dwi ${VERSION}\n`);
    return 0;
  }
  const starting = !actions.checkConfig && !actions.printConfig;
  // A starting server logs its warnings through its own error log.
  if (!starting)
    for (const warning of loaded.warnings) process.stderr.write(`dwi: warning: ${warning}\n`);
  if (loaded.errors.length > 0) {
    for (const error of loaded.errors) process.stderr.write(`dwi: error: ${error}\n`);
    if (starting) process.stderr.write('dwi: see dwi --help\n');
    return 1;
  }
  if (actions.printConfig) {
    process.stdout.write(renderConfig(loaded));
    return 0;
  }
  if (actions.checkConfig) {
    process.stdout.write('configuration OK\n');
    return 0;
  }
  return new Arbiter(loaded, () => loadConfig(argv)).run();
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`dwi: error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(70);
  },
);
