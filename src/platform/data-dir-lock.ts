/**
 * The embedded database is single-process: a second process opening the same PGlite directory would
 * corrupt it. The server therefore holds `<data dir>/auditor.lock` (created exclusively, holding its
 * pid); a lock left by a dead process is taken over. CLI commands that find the lock held talk to the
 * running server through its admin socket instead of opening the database.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DataDirLock {
  path: string;
  release(): void;
}

export interface LockInfo {
  pid: number;
  startedAt: string;
  socket: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockInfo,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Auditor process (pid ${holder.pid}, started ${holder.startedAt}). ` +
        'Only one process may open the embedded database. Stop that process first; CLI commands reach it through its admin socket.',
    );
    this.name = 'DataDirInUseError';
  }
}

export function lockPath(dataDir: string): string {
  return join(resolve(dataDir), 'auditor.lock');
}

export function adminSocketPath(dataDir: string): string {
  return join(resolve(dataDir), 'admin.sock');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of the lock, if any. */
export function readLockHolder(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return info.pid !== process.pid && alive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  const info: LockInfo = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    socket: adminSocketPath(dataDir),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(info));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
      process.once('exit', release);
      return { path, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLockHolder(dataDir);
      if (holder) throw new DataDirInUseError(resolve(dataDir), holder);
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${path}`);
}
