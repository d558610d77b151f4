import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from './clock.ts';
import { BoxStore } from './store.ts';

export function loadState(path: string, clock: Clock): BoxStore | undefined {
  if (!existsSync(path)) return undefined;
  return BoxStore.fromJSON(clock, JSON.parse(readFileSync(path, 'utf8')));
}

/** Atomic write: a temporary file renamed over the old one. */
export function saveState(store: BoxStore, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(store));
  renameSync(tmp, path);
  store.dirty = false;
}

/** Saves every few seconds while something changed, and once more on stop. */
export class AutoSaver {
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly store: BoxStore,
    private readonly path: string,
    private readonly everyMs = 3000,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.store.dirty) saveState(this.store, this.path);
    }, this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    saveState(this.store, this.path);
  }
}
