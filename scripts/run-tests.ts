/**
 * `npm test`: type-check, lint, then every `*.test.ts` under node:test against one throwaway
 * PostgreSQL cluster (started here, migrated once into a template database that each test file clones).
 *
 *   npm test                          everything
 *   npm test -- --quick path/a.test.ts   only the named files, without type-check and lint
 *
 * Where no PostgreSQL server binary exists at all, the database tests run on PGlite and we say so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type PgCluster, pgBinariesAvailable, psql, startPgCluster } from '../test/support/pg-cluster.ts';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const explicitFiles = args.filter((a) => !a.startsWith('--'));
const TEST_ROOTS = ['src', 'box-emulator', 'test', 'scripts', 'web/src'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'data', 'test-results']);

function findTests(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (/\.test\.tsx?$/.test(name)) out.push(relative(root, path));
  }
  return out;
}

function step(title: string, cmd: string, cmdArgs: string[]): void {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root });
  if (res.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(res.status ?? 1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

if (!quick) {
  step('type-check (tsc --noEmit)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
  if (existsSync(join(root, 'web/tsconfig.json')))
    step('type-check web', 'npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.json']);
  step('lint and format (biome check)', 'npx', ['biome', 'check', '.']);
}

const files =
  explicitFiles.length > 0 ? explicitFiles : TEST_ROOTS.flatMap((d) => findTests(join(root, d))).sort();
if (files.length === 0) {
  console.log('no test files found');
  process.exit(0);
}

const env: NodeJS.ProcessEnv = {
  ...process.env,
  TZ: 'UTC',
  NODE_ENV: 'test',
  NO_PROXY: '127.0.0.1,localhost',
};
let cluster: PgCluster | undefined;
if (pgBinariesAvailable()) {
  console.log('\n▶ starting a throwaway PostgreSQL cluster');
  cluster = await startPgCluster();
  env.AUDITOR_TEST_PG_URL = `postgres://postgres@127.0.0.1:${cluster.port}`;
  env.AUDITOR_TEST_PG_PORT = String(cluster.port);
  env.AUDITOR_TEST_PG_DIR = cluster.dir;
  psql(cluster, 'postgres', 'CREATE DATABASE auditor_template');
  const migrate = spawnSync(
    'node',
    ['--import', 'tsx', 'scripts/migrate-template.ts', cluster.url('auditor_template')],
    {
      stdio: 'inherit',
      cwd: root,
      env,
    },
  );
  if (migrate.status !== 0) {
    cluster.stop();
    console.error('✖ migrating the template database failed');
    process.exit(1);
  }
  env.AUDITOR_TEST_TEMPLATE_DB = 'auditor_template';
  console.log(`✔ PostgreSQL on port ${cluster.port}, template database migrated`);
} else {
  console.log('\n⚠ no PostgreSQL server binaries: database tests run on PGlite only');
}

let status = 1;
try {
  console.log(`\n▶ ${files.length} test files`);
  const res = spawnSync(
    'node',
    [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=2',
      '--test-timeout=300000',
      '--test-reporter=spec',
      ...files,
    ],
    { stdio: 'inherit', cwd: root, env },
  );
  status = res.status ?? 1;
} finally {
  cluster?.stop();
}
process.exit(status);
