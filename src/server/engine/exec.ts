/**
 * A command run in a container with a terminal (`docker exec -it`), for the web terminal.
 *
 * The engine has no call that ends an exec, and closing the connection that carries its
 * terminal does not end it either (the process keeps its terminal and runs on). So every
 * session carries a marker in its environment, which its children inherit, and ending one
 * that still runs is a second exec: a POSIX shell script that SIGKILLs every process of the
 * container whose environment holds that marker (the command and whatever it started), then
 * exec inspect confirms the command no longer runs.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { EngineError } from './errors.js';

/** The environment variable that marks a session's processes. */
export const EXEC_MARKER = 'DWI_EXEC_SESSION';

/**
 * Kills every process whose environment holds the entry "$1" (but itself), twice over, so a
 * child forked during the first pass goes too. The environment's entries end in NUL: grep -z
 * (GNU and busybox) where there is a grep, else the shell's own `read -d ''` (bash, ash).
 */
const KILL_MARKED = `m=$1
marked() {
  if command -v grep >/dev/null 2>&1; then grep -qzxF -- "$m" "$1/environ"; return; fi
  while IFS= read -r -d '' v; do [ "$v" = "$m" ] && return 0; done < "$1/environ"
  return 1
}
for pass in 1 2; do
  for d in /proc/[0-9]*; do
    p=\${d#/proc/}
    [ "$p" = "$$" ] && continue
    marked "$d" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  done
done
exit 0`;

/** How long an ended command may take to be reported not running by exec inspect. */
const SETTLE_MS = 3000;
const SETTLE_STEP_MS = 25;

/** Input waiting for a command that does not read it: past this, more is refused. */
export const EXEC_INPUT_BACKLOG_BYTES = 1 << 20;

export interface ExecOptions {
  /** The argv; by default the container's shell: /bin/bash if it has one, else /bin/sh. */
  command?: string[];
  cols: number;
  rows: number;
}

/** How a session ended: its exit code (null: unknown) and whether dwi had to kill it. */
export interface ExecEnd {
  exitCode: number | null;
  killed: boolean;
  /** Set when the command could not be confirmed ended (no shell to run the kill, say). */
  problem?: string;
}

export interface ExecSession {
  /** The engine's exec id. */
  readonly id: string;
  readonly container: { id: string; name: string };
  readonly command: string[];
  /** Terminal output as it comes, raw bytes. */
  onOutput(listener: (chunk: Buffer) => void): void;
  /** Stops reading the output (the command blocks once its terminal is full) until resume. */
  pause(): void;
  resume(): void;
  /** Sends keystrokes; false (nothing sent) while input waits past EXEC_INPUT_BACKLOG_BYTES. */
  write(data: string): boolean;
  resize(cols: number, rows: number): Promise<void>;
  /** Settles once the command has ended, by itself or by close(). */
  readonly ended: Promise<ExecEnd>;
  /** Ends the command if it still runs (and everything it started); settles like `ended`. */
  close(): Promise<ExecEnd>;
}

type Call = <T>(operation: string, work: () => Promise<T>) => Promise<T>;

/** Starts `options.command` (or the shell) in a running container, with a terminal. */
export async function startExec(
  docker: Docker,
  container: { id: string; name: string },
  options: ExecOptions,
  call: Call,
): Promise<ExecSession> {
  const handle = docker.getContainer(container.id);
  const command = options.command ?? [await defaultShell(handle, call)];
  const marker = `${EXEC_MARKER}=${randomBytes(16).toString('hex')}`;
  const exec = await call('exec_create', () =>
    handle.exec({
      Cmd: command,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ['TERM=xterm-256color', marker],
      // Engines from API 1.42 start at this size; older ones get the resize below.
      ConsoleSize: [options.rows, options.cols],
    }),
  );
  const stream = await call('exec_start', () =>
    exec.start({ hijack: true, stdin: true, Detach: false, Tty: true }),
  );
  const session = new RunningExec(docker, exec, container, command, marker, stream, call);
  // Sized before the caller hears it started, so nothing typed runs in a 0x0 terminal (engines
  // before API 1.42 ignore ConsoleSize). A command already gone cannot be sized: that is fine.
  await session.resize(options.cols, options.rows).catch(() => {});
  return session;
}

/** /bin/bash when the container has it (a stat through the archive API: no shell needed). */
async function defaultShell(handle: Docker.Container, call: Call): Promise<string> {
  try {
    await call('exec_stat', () => handle.infoArchive({ path: '/bin/bash' }));
    return '/bin/bash';
  } catch (err) {
    if (err instanceof EngineError && err.kind === 'not_found') return '/bin/sh';
    throw err;
  }
}

class RunningExec implements ExecSession {
  readonly id: string;
  readonly ended: Promise<ExecEnd>;
  private readonly finish: (end: ExecEnd) => void;
  private killed = false;
  private problem: string | undefined;
  private closing: Promise<ExecEnd> | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly exec: Docker.Exec,
    readonly container: { id: string; name: string },
    readonly command: string[],
    private readonly marker: string,
    private readonly stream: Duplex,
    private readonly call: Call,
  ) {
    this.id = exec.id;
    let finish!: (end: ExecEnd) => void;
    this.ended = new Promise((resolve) => (finish = resolve));
    this.finish = finish;
    const closed = new Promise<void>((resolve) => {
      stream.once('close', resolve);
      stream.once('end', resolve);
      // A broken connection ends the session like a closed one; close() then makes sure.
      stream.once('error', () => resolve());
    });
    // Ended by itself: its output ended. One that is being closed is settled by close().
    void closed.then(async () => {
      if (this.closing === undefined) this.finish(await this.settle());
    });
  }

  onOutput(listener: (chunk: Buffer) => void): void {
    this.stream.on('data', listener);
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  write(data: string): boolean {
    if (this.stream.writableLength > EXEC_INPUT_BACKLOG_BYTES || !this.stream.writable)
      return false;
    this.stream.write(data);
    return true;
  }

  async resize(cols: number, rows: number): Promise<void> {
    // Right after the start the engine may not have the process yet (as the docker CLI, retry).
    for (let attempt = 0; ; attempt++) {
      try {
        await this.call('exec_resize', () => this.exec.resize({ h: rows, w: cols }));
        return;
      } catch (err) {
        if (attempt >= 4) throw err;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
      }
    }
  }

  close(): Promise<ExecEnd> {
    this.closing ??= this.end();
    return this.closing;
  }

  private async end(): Promise<ExecEnd> {
    // End of input first: a command that reads it to its end stops by itself.
    this.stream.end();
    const info = await this.inspect();
    if (info?.Running) {
      this.killed = true;
      try {
        await this.killMarked();
      } catch (err) {
        this.problem = `could not end it: ${(err as Error).message}`;
      }
    }
    const end = await this.settle();
    this.stream.destroy();
    this.finish(end);
    return end;
  }

  /** The second exec: SIGKILL to every process carrying this session's marker. */
  private async killMarked(): Promise<void> {
    const handle = this.docker.getContainer(this.container.id);
    const killer = await this.call('exec_create', () =>
      handle.exec({
        Cmd: ['/bin/sh', '-c', KILL_MARKED, 'sh', this.marker],
        AttachStdout: true,
        AttachStderr: true,
      }),
    );
    const output = await this.call('exec_start', () => killer.start({ Detach: false }));
    // It ends when the script does; its output says nothing worth keeping.
    await new Promise<void>((resolve) => {
      output.on('data', () => {});
      output.once('end', resolve);
      output.once('close', resolve);
      output.once('error', () => resolve());
    });
    const result = await this.call('exec_inspect', () => killer.inspect());
    if (result.ExitCode !== 0)
      throw new Error(
        `the kill script exited with ${result.ExitCode} (has the container a /bin/sh?)`,
      );
  }

  private async inspect(): Promise<Docker.ExecInspectInfo | undefined> {
    try {
      return await this.call('exec_inspect', () => this.exec.inspect());
    } catch {
      // The container went away, and its exec with it.
      return undefined;
    }
  }

  /** The exit code once the engine reports the command ended (its output ends a moment before). */
  private async settle(): Promise<ExecEnd> {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const info = await this.inspect();
      if (info === undefined || !info.Running)
        return {
          exitCode: info?.ExitCode ?? null,
          killed: this.killed,
          ...(this.problem === undefined ? {} : { problem: this.problem }),
        };
      if (Date.now() > deadline)
        return {
          exitCode: null,
          killed: this.killed,
          problem: this.problem ?? 'the engine still reports it running',
        };
      await delay(SETTLE_STEP_MS);
    }
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
