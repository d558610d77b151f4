import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { OUR_SCHEMAS } from '../../src/ops/schemas.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { jsonOf, runCli } from './support/cli.ts';

async function rowCounts(url: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ s: string; t: string }>(
      `select table_schema as s, table_name as t from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema = any($1) order by 1, 2`,
      [[...OUR_SCHEMAS]],
    );
    const out: Record<string, number> = {};
    for (const { s, t } of tables.rows)
      out[`${s}.${t}`] = Number((await c.query(`select count(*) as n from "${s}"."${t}"`)).rows[0].n);
    return out;
  } finally {
    await c.end();
  }
}

async function exec(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** A stand-in Pushgateway that records what is pushed. */
async function fakePushgateway(): Promise<{
  url: string;
  pushes: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}> {
  const pushes: { method: string; path: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      pushes.push({ method: req.method ?? '', path: req.url ?? '', body });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    pushes,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('auditor backup create, verify and restore', () => {
  let app: TestApp;
  let backupDir: string;
  let scratch: TestDatabase;
  let target: TestDatabase;
  let gateway: Awaited<ReturnType<typeof fakePushgateway>>;
  let counts: Record<string, number>;
  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: app.database!.url,
    AUDITOR_DATA_DIR: app.config.AUDITOR_DATA_DIR,
    AUDITOR_BACKUP_DIR: backupDir,
    AUDITOR_BACKUP_SCRATCH_DATABASE_URL: scratch.url,
    ...extra,
  });

  before(async () => {
    app = await startTestApp();
    backupDir = mkdtempSync(join(tmpdir(), 'auditor-backups-'));
    scratch = await createTestDatabase({ empty: true });
    target = await createTestDatabase({ empty: true });
    gateway = await fakePushgateway();
    const admin = await app.bootstrapAdmin('admin@backup.test');
    for (let i = 0; i < 6; i++) {
      const res = await app.api.post(
        '/api/v1/users',
        {
          email: `auditor${i}@firm.test`,
          name: `Auditor ${i}`,
          auditorFirm: 'Firm',
          password: 'a long enough password 1',
        },
        admin.token,
      );
      assert.equal(res.statusCode, 201, res.body);
    }
    // identity.user_created messages become ledger leaves; then a checkpoint is signed.
    await app.drainOutboxes();
    assert.ok((await app.services.verification!.ledger.checkpoints.signDue({ force: true })) >= 1);
    counts = await rowCounts(app.database!.url);
    assert.ok(counts['ledger.leaves']! >= 7);
  });
  after(async () => {
    await app.stop();
    await scratch.drop();
    await target.drop();
    await gateway.close();
    rmSync(backupDir, { recursive: true, force: true });
  });

  let firstBackup: string;

  test('create writes a custom-format dump of our schemas and a manifest with row counts and the latest checkpoints', async () => {
    const res = await runCli(['backup', 'create', '--json'], env());
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ files: { dump: string; manifest: string } }>(res);
    firstBackup = out.files.manifest;
    assert.ok(existsSync(out.files.dump));
    assert.equal(readFileSync(out.files.dump).subarray(0, 5).toString(), 'PGDMP');
    const manifest = JSON.parse(readFileSync(out.files.manifest, 'utf8'));
    assert.deepEqual(manifest.rowCounts, counts);
    assert.equal(manifest.checkpoints.length, 1);
    assert.equal(manifest.checkpoints[0].treeSize, counts['ledger.leaves']);
    assert.match(manifest.checkpoints[0].note, /^auditor\.local\//);
    assert.ok(
      manifest.schemas.includes('ledger') &&
        manifest.schemas.includes('ops') &&
        manifest.schemas.includes('identity'),
    );
  });

  test('verify restores the newest backup into the scratch database, passes the ledger audit and pushes its time', async () => {
    const destination = join(backupDir, 'dr-region');
    const res = await runCli(
      ['backup', 'verify', '--json'],
      env({ AUDITOR_PUSHGATEWAY_URL: gateway.url, AUDITOR_BACKUP_DESTINATION: destination }),
    );
    assert.equal(res.code, 0, res.stderr + res.stdout);
    const out = jsonOf<{
      ok: boolean;
      createdAt: string;
      logs: { ok: boolean; treeSize: number }[];
      pushed: boolean;
      copies: string[];
    }>(res);
    // The verified backup is copied off-site (a directory stands for the DR region's bucket here).
    const name = firstBackup.replace(/^.*\//, '').replace(/\.json$/, '');
    assert.deepEqual(out.copies, [join(destination, `${name}.dump`), join(destination, `${name}.json`)]);
    assert.ok(out.copies.every((c) => existsSync(c)));
    assert.equal(out.ok, true);
    assert.equal(out.logs.length, 1);
    assert.equal(out.logs[0]!.treeSize, counts['ledger.leaves']);
    assert.equal(out.pushed, true);
    const push = gateway.pushes.at(-1)!;
    assert.equal(push.method, 'PUT');
    assert.equal(push.path, '/metrics/job/auditor-backup');
    assert.match(
      push.body,
      new RegExp(
        `^auditor_backup_last_success_timestamp_seconds ${Math.floor(Date.parse(out.createdAt) / 1000)}$`,
        'm',
      ),
    );
    assert.deepEqual(await rowCounts(scratch.url), counts);
  });

  test('restore round-trips every table into another database and refuses a non-empty target without --clean', async () => {
    const res = await runCli(['backup', 'restore', firstBackup, '--target-url', target.url, '--json'], env());
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await rowCounts(target.url), counts);
    const again = await runCli(['backup', 'restore', firstBackup, '--target-url', target.url], env());
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already holds schemas .*--clean/);
    const clean = await runCli(
      ['backup', 'restore', firstBackup, '--target-url', target.url, '--clean'],
      env(),
    );
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(await rowCounts(target.url), counts);
  });

  test('a backup whose ledger leaf was altered fails verification naming the leaf, and nothing is pushed', async () => {
    await exec(
      app.database!.url,
      `update ledger.leaves set data = replace(data, 'identity.user_created', 'identity.user_deleted') where leaf_index = 2`,
    );
    const created = await runCli(['backup', 'create'], env());
    assert.equal(created.code, 0, created.stderr);
    const pushesBefore = gateway.pushes.length;
    const res = await runCli(['backup', 'verify'], env({ AUDITOR_PUSHGATEWAY_URL: gateway.url }));
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stderr, /is BROKEN/);
    assert.match(res.stderr, /leaf 2 does not match its stored hash/);
    assert.equal(gateway.pushes.length, pushesBefore);
  });

  test('a dump that does not match its manifest is refused before restoring', async () => {
    const manifestPath = join(backupDir, 'tampered.json');
    const manifest = JSON.parse(readFileSync(firstBackup, 'utf8'));
    manifest.sha256 = '0'.repeat(64);
    (await import('node:fs')).writeFileSync(manifestPath, JSON.stringify(manifest));
    const res = await runCli(['backup', 'verify', manifestPath], env());
    assert.equal(res.code, 1);
    assert.match(res.stderr, /SHA-256 .* differs from the manifest/);
  });

  test('on the embedded database backups are refused with an explanation', async () => {
    const res = await runCli(['backup', 'create'], { AUDITOR_DATA_DIR: backupDir, DATABASE_URL: '' });
    assert.equal(res.code, 2);
    assert.match(res.stderr, /backups need PostgreSQL \(DATABASE_URL\)/);
  });
});
