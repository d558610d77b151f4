/**
 * `auditor migrate status|up|down [--service S] [--to V]` on a real PostgreSQL database (product.md
 * §6): status shows what is applied and pending, up applies, down reverts one step per service or
 * everything above --to.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MIGRATION_SETS } from '../../src/migration-sets.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/database.ts';
import { childEnv, runCli } from '../support/processes.ts';

describe('auditor migrate on PostgreSQL', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const dir = mkdtempSync(join(tmpdir(), 'auditor-migrate-'));
  const all = (service: string) =>
    MIGRATION_SETS.find((s) => s.service === service)!.migrations.map((m) => m.version);

  before(async () => {
    db = await createTestDatabase({ empty: true });
    env = childEnv({ DATABASE_URL: db.url, AUDITOR_DATA_DIR: dir });
  });
  after(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function migrate(...args: string[]) {
    const res = await runCli(['migrate', ...args], env, 120_000);
    assert.equal(res.code, 0, `migrate ${args.join(' ')}: ${res.stderr}`);
    return res;
  }
  /** `--json` output: one JSON document per service (up/down) or one array (status). */
  const documents = (stdout: string) =>
    stdout
      .split(/\n(?=[[{])/)
      .filter((s) => s.trim())
      .map((s) => JSON.parse(s));

  test('up applies every pending migration of every service', async () => {
    const up = documents((await migrate('up', '--json')).stdout) as { service: string; applied: number[] }[];
    assert.deepEqual(
      up.map((u) => [u.service, u.applied]),
      MIGRATION_SETS.map((s) => [s.service, all(s.service)]),
    );
  });

  test('down reverts one step of the named service only; status shows it pending', async () => {
    // Components identity hosts (the ops schema) come along with it; audit and the others do not.
    const downs = documents((await migrate('down', '--service', 'identity', '--json')).stdout) as {
      service: string;
    }[];
    assert.deepEqual(
      downs.find((d) => d.service === 'identity'),
      { service: 'identity', reverted: [all('identity').at(-1)] },
    );
    assert.ok(!downs.some((d) => d.service === 'audit'));
    const table = (await migrate('status')).stdout;
    assert.match(table, /^service\s+schema\s+applied\s+pending\s+current/m);
    const identityVersions = all('identity');
    const identityRow = `^identity\\s+identity\\s+${identityVersions.slice(0, -1).join(' ')}\\s+${identityVersions.at(-1)}\\s+false$`;
    assert.match(table, new RegExp(identityRow, 'm'), 'identity shows its last step pending');
    for (const set of MIGRATION_SETS.filter((m) => m.service !== 'identity' && m.service !== 'ops')) {
      const row = new RegExp(
        `^${set.service}\\s+${set.schema}\\s+${all(set.service).join(' ')}\\s+true$`,
        'm',
      );
      assert.match(table, row, `${set.service} is still current`);
    }
    // identity's last step (0003) adds users.totp_last_step; its down removes it again.
    const columns = await adminQuery(
      `select count(*)::int as n from information_schema.columns
        where table_schema = 'identity' and table_name = 'users' and column_name = 'totp_last_step'`,
      db.name,
    );
    assert.equal(columns.rows[0].n, 0, 'the reverted step removed what it added');
  });

  test('down --to 0 reverts everything and drops the schemas; up --service --to applies up to a version', async () => {
    await migrate('down', '--to', '0');
    const schemas = await adminQuery(
      `select schema_name from information_schema.schemata where schema_name in (${MIGRATION_SETS.map((s) => `'${s.schema}'`).join(',')})`,
      db.name,
    );
    assert.deepEqual(schemas.rows, []);
    const [partial] = documents((await migrate('up', '--service', 'identity', '--to', '1', '--json')).stdout);
    assert.deepEqual(partial, { service: 'identity', applied: [1] });
  });

  test('an unknown --service is refused, naming the known ones', async () => {
    const unknown = await runCli(['migrate', 'status', '--service', 'billing'], env, 120_000);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown service billing; known: identity, audit/);
  });
});
