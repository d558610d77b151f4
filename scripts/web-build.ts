/**
 * Whether the built web app (web/dist) is older than its sources, and building it. Shared by
 * `npm start` and the browser tests so both rebuild on the same rule: any file under web/ (except
 * dist and node_modules) newer than web/dist/index.html.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('..', import.meta.url).pathname;
const webDir = join(repoRoot, 'web');
const builtIndex = join(webDir, 'dist/index.html');

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'dist' || name === 'node_modules') continue;
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

/** True when there is a web app to build (web/vite.config.ts exists). */
export function hasWebApp(): boolean {
  return existsSync(join(webDir, 'vite.config.ts'));
}

/** True when web/dist is missing or older than any source file under web/. */
export function webBuildIsStale(): boolean {
  if (!existsSync(builtIndex)) return true;
  return newestMtime(webDir) > statSync(builtIndex).mtimeMs;
}

/** Runs `vite build` for the web app; throws when it fails. */
export function buildWebApp(o: { quiet?: boolean } = {}): void {
  const res = spawnSync(
    'npx',
    ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', o.quiet ? 'error' : 'warn'],
    {
      stdio: o.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      cwd: repoRoot,
      encoding: 'utf8',
      // Always a production build (React's production code), also when called from tests (NODE_ENV=test).
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (res.status !== 0) {
    throw new Error(`vite build failed (exit ${res.status})\n${res.stdout ?? ''}${res.stderr ?? ''}`);
  }
}

const LOCK_DIR = join(
  tmpdir(),
  `auditor-web-build-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}.lock`,
);

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lockHolderAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` while holding a lock shared by every process of this checkout (test files run in
 * parallel, and Vite refuses two builds of one project at once). A lock whose holder died is taken over.
 */
function withBuildLock<T>(fn: () => T, timeoutMs = 120_000): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Give a new holder a moment to write its pid before judging it dead.
      if (!lockHolderAlive() && Date.now() - statSync(LOCK_DIR).mtimeMs > 2000) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the web build lock ${LOCK_DIR}`);
      sleepSync(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/** Builds the web app when it exists and its build is stale; returns whether it built. */
export function ensureWebBuilt(o: { quiet?: boolean } = {}): boolean {
  if (!hasWebApp() || !webBuildIsStale()) return false;
  return withBuildLock(() => {
    // Another process may have built it while we waited.
    if (!webBuildIsStale()) return false;
    buildWebApp(o);
    return true;
  });
}
