import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The primary's PID file: refuses to start over a live server, removed at exit. */
export class Pidfile {
  constructor(private path: string) {}

  create(): void {
    let existing: number | undefined;
    try {
      existing = Number.parseInt(readFileSync(this.path, 'utf8'), 10);
    } catch {
      // No pidfile yet.
    }
    if (
      existing !== undefined &&
      Number.isInteger(existing) &&
      existing !== process.pid &&
      isAlive(existing)
    ) {
      throw new Error(`Already running on PID ${existing} (or pid file ${this.path} is stale)`);
    }
    try {
      writeFileSync(this.path, `${process.pid}\n`);
    } catch (err) {
      throw new Error(`Cannot write pid file ${this.path}: ${(err as NodeJS.ErrnoException).code}`);
    }
  }

  rename(path: string | null): void {
    if (path === this.path) return;
    if (path === null) return this.remove();
    renameSync(this.path, path);
    this.path = path;
  }

  remove(): void {
    try {
      if (Number.parseInt(readFileSync(this.path, 'utf8'), 10) === process.pid)
        unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}
