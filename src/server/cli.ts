#!/usr/bin/env node
/** `dwi`: argv -> config -> start. The only module that reads process.argv. */
import { serve } from './app/index.js';
import {
  ACCOUNT_USAGE,
  AccountError,
  parseAccountArgs,
  runAccountCommand,
} from './auth/accounts.js';
import { renderConfig, renderHelp } from './config/help.js';
import { loadConfig } from './config/load.js';
import { runDemo } from './demo/index.js';
import { Store } from './store/index.js';
import { VERSION } from './version.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `dwi user ...` and `dwi token ...`: one change to the accounts in the store. */
async function accounts(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(ACCOUNT_USAGE);
    return 0;
  }
  try {
    const { command, serverArgs } = parseAccountArgs(argv);
    const loaded = await loadConfig(serverArgs);
    if (loaded.errors.length > 0) throw new AccountError(loaded.errors.join('\n'));
    const store = Store.open(loaded.settings.data_dir);
    try {
      process.stdout.write(await runAccountCommand(store, command, readStdin));
    } finally {
      store.close();
    }
    return 0;
  } catch (err) {
    if (!(err instanceof AccountError)) throw err;
    process.stderr.write(`dwi: error: ${err.message}\n`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'user' || argv[0] === 'token') return accounts(argv);
  if (argv[0] === 'demo') {
    const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
    return runDemo(argv.slice(1), write(process.stdout), write(process.stderr), process);
  }
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
  return serve(loaded, () => loadConfig(argv));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`dwi: error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(70);
  },
);
