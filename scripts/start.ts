/**
 * `npm start`: builds the web app only when its sources changed since the last build, then runs the
 * whole product with the local Box and the demo enterprise (`auditor serve --demo`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function newest(dir: string): number {
  if (!existsSync(dir)) return 0;
  let t = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'dist' || name === 'node_modules') continue;
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

const built = join(root, 'web/dist/index.html');
if (existsSync(join(root, 'web/vite.config.ts'))) {
  const stale = !existsSync(built) || newest(join(root, 'web')) > statSync(built).mtimeMs;
  if (stale) {
    console.log('Building the web app (sources changed since the last build)…');
    const res = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      stdio: 'inherit',
      cwd: root,
    });
    if (res.status !== 0) process.exit(res.status ?? 1);
  }
}

process.argv = [process.argv[0]!, 'auditor', 'serve', '--demo', ...process.argv.slice(2)];
await import('../src/cli/main.ts');
