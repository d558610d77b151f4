/**
 * The container image runs the compiled server (`npm run build:server` → dist/src/cli/main.js,
 * deploy/docker/Dockerfile), not the TypeScript sources: compile it the same way into a scratch
 * folder inside the package and check that it runs — migrations on a real PostgreSQL, and the
 * files it finds beside the code (the static verifier page) from its deeper location.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MIGRATION_SETS } from '../../src/migration-sets.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { childEnv } from '../support/processes.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('the compiled server (container image build)', () => {
  const out = join(ROOT, `.build-test-${randomBytes(3).toString('hex')}`);
  let db: TestDatabase;
  const node = (args: string[], env: NodeJS.ProcessEnv = childEnv({})) =>
    spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });

  before(async () => {
    db = await createTestDatabase({ empty: true });
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out],
      { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
    );
    assert.equal(tsc.status, 0, `tsc -p tsconfig.build.json failed:\n${tsc.stdout}${tsc.stderr}`);
  });
  after(async () => {
    rmSync(out, { recursive: true, force: true });
    await db?.drop();
  });

  test('the compiled CLI migrates every service schema on PostgreSQL', () => {
    const res = node(
      [join(out, 'src/cli/main.js'), 'migrate', 'up'],
      childEnv({ DATABASE_URL: db.url, AUDITOR_DATA_DIR: join(out, 'data') }),
    );
    assert.equal(res.status, 0, res.stderr);
    for (const { service } of MIGRATION_SETS) assert.match(res.stdout, new RegExp(`^${service}: `, 'm'));
  });

  test('the compiled code finds the static verifier page from dist/src', () => {
    const res = node([
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(join(out, 'src/services/verification/bundle-html.js'))});
       process.stdout.write(String(m.verifierPage().includes(m.BUNDLE_SLOT)));`,
    ]);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, 'true');
  });
});
