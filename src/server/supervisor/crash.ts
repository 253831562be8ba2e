import type { Logger } from 'pino';

/** A bug that escaped: say it in the error log, with its stack, then exit (a worker is replaced by the primary). */
export function exitOnUncaught(log: () => Logger, flush: () => void): void {
  const fail = (what: string) => (err: unknown) => {
    log().fatal({ err }, `${what}: ${(err as Error)?.message ?? String(err)}`);
    flush();
    process.exit(1);
  };
  process.on('uncaughtException', fail('uncaught exception'));
  process.on('unhandledRejection', fail('unhandled rejection'));
}
