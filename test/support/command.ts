import { execFileSync } from 'node:child_process';

/** A command run to its end within a bound: its stdout, or an error with its output's tail. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): string {
  try {
    return execFileSync(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${(err as Error).message}\n${stdout?.slice(-4000) ?? ''}\n${stderr?.slice(-4000) ?? ''}`,
      { cause: err },
    );
  }
}
