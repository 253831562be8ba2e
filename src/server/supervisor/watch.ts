import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

const DEBOUNCE_MS = 300;

/**
 * Calls back once per burst of changes to some files (watched through their directory, so an
 * editor's save-by-rename is seen) or anything under some directories.
 */
export class FileWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(files: string[], dirs: string[], onChange: (path: string) => void) {
    const trigger = (path: string) => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => onChange(path), DEBOUNCE_MS);
    };
    const byDir = new Map<string, Set<string>>();
    for (const file of files.map((f) => resolve(f))) {
      const names = byDir.get(dirname(file)) ?? new Set();
      names.add(basename(file));
      byDir.set(dirname(file), names);
    }
    for (const [dir, names] of byDir) {
      this.add(dir, false, (name) => {
        if (names.has(name)) trigger(resolve(dir, name));
      });
    }
    for (const dir of dirs) {
      this.add(dir, true, (name) => {
        if (!name.endsWith('.map') && !name.endsWith('.tsbuildinfo')) trigger(resolve(dir, name));
      });
    }
  }

  private add(dir: string, recursive: boolean, onName: (name: string) => void): void {
    try {
      const watcher = watch(dir, { recursive, persistent: false }, (_event, name) => {
        if (name !== null) onName(name.toString());
      });
      watcher.on('error', () => watcher.close());
      this.watchers.push(watcher);
    } catch {
      // A missing directory has nothing to watch; --check-config reports missing files.
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
  }
}
