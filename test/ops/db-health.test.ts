import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type DbHealthReport, DEFAULT_THRESHOLDS, evaluateDbHealth } from '../../src/ops/db-health.ts';
import { startDbStatsCollector } from '../../src/ops/db-stats-collector.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/logging.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { jsonOf, runCli } from './support/cli.ts';

interface HealthJson {
  ok: boolean;
  findings: { kind: string; subject: string; value: number }[];
  tables: { schema: string; table: string; deadTuples: number; lastVacuum: string | null }[];
  longQueries: { pid: number; seconds: number; query: string }[];
  replication: unknown[];
  role: string;
}

async function query(url: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

async function deadTuples(url: string, table: string): Promise<number> {
  const r = await query(
    url,
    `select n_dead_tup from pg_stat_user_tables where schemaname = 'identity' and relname = '${table}'`,
  );
  return Number(r.rows[0]?.n_dead_tup ?? 0);
}

describe('auditor db health and db maintain', () => {
  let db: TestDatabase;
  let dataDir: string;
  const env = () => ({ DATABASE_URL: db.url, AUDITOR_DATA_DIR: dataDir });

  before(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'auditor-dbhealth-'));
    // 3,000 dead rows in identity.organizations, with autovacuum kept away from that table.
    await query(
      db.url,
      `alter table identity.organizations set (autovacuum_enabled = false);
       insert into identity.organizations (id, name) select gen_random_uuid(), 'org ' || i from generate_series(1, 3500) i;
       delete from identity.organizations where name <> 'org 1';`,
    );
    // Statistics reach other sessions asynchronously.
    for (let i = 0; i < 100 && (await deadTuples(db.url, 'organizations')) < 3000; i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a table with many dead tuples and a query held with pg_sleep are flagged, with exit code 1', async () => {
    const holder = new pg.Client({ connectionString: db.url, application_name: 'long-query-test' });
    await holder.connect();
    holder.on('error', () => {});
    const sleeping = holder.query('select pg_sleep(60)').catch(() => undefined);
    try {
      await new Promise((r) => setTimeout(r, 2500));
      const res = await runCli(
        [
          'db',
          'health',
          '--json',
          '--dead-tuples',
          '1000',
          '--dead-ratio',
          '0.5',
          '--long-query-seconds',
          '1',
        ],
        env(),
      );
      assert.equal(res.code, 1, res.stderr);
      const report = jsonOf<HealthJson>(res);
      assert.equal(report.ok, false);
      assert.equal(report.role, 'primary');
      const dead = report.findings.find((f) => f.kind === 'dead_tuples');
      assert.equal(dead?.subject, 'identity.organizations');
      assert.ok((dead?.value ?? 0) >= 3000);
      const table = report.tables.find((t) => t.schema === 'identity' && t.table === 'organizations');
      assert.equal(table?.lastVacuum, null);
      const long = report.findings.find((f) => f.kind === 'long_query');
      assert.ok(long, JSON.stringify(report.findings));
      assert.ok(report.longQueries.some((q) => q.query.includes('pg_sleep(60)') && q.seconds >= 1));
      // Only our schemas are reported.
      assert.ok(
        report.tables.every((t) =>
          ['identity', 'audit', 'file', 'event', 'ledger', 'witness', 'ops'].includes(t.schema),
        ),
      );
    } finally {
      await query(
        db.url,
        "select pg_cancel_backend(pid) from pg_stat_activity where application_name = 'long-query-test'",
      );
      await sleeping;
      await holder.end();
    }
  });

  test('the same dead tuples are exported as auditor_db_dead_tuples by the collector', async () => {
    const metrics = createMetrics(['identity']);
    const pool = await openDatabase({
      url: db.url,
      dataDir,
      poolMax: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
      applicationName: 'test',
    });
    try {
      const collector = startDbStatsCollector({
        pool,
        metrics,
        schemas: ['identity'],
        intervalMs: 0,
        logger: createLogger({ level: 'silent' }),
      });
      await collector.collect();
      const text = await metrics.registry.metrics();
      const line = text
        .split('\n')
        .find((l) => l.startsWith('auditor_db_dead_tuples{schema="identity",table="organizations"}'));
      assert.ok(line, text);
      assert.ok(Number(line.split(' ').at(-1)) >= 3000);
      assert.match(text, /^auditor_db_long_running_queries 0$/m);
      assert.match(text, /^auditor_db_replica_lag_seconds 0$/m);
      assert.doesNotMatch(text, /auditor_db_dead_tuples\{schema="audit"/);
    } finally {
      await pool.close();
    }
  });

  test('maintain --vacuum --analyze vacuums every table of our schemas, after which health passes', async () => {
    const res = await runCli(['db', 'maintain', '--vacuum', '--analyze', '--json'], env());
    assert.equal(res.code, 0, res.stderr + res.stdout);
    const out = jsonOf<{ ok: boolean; steps: { statement: string; ok: boolean }[] }>(res);
    assert.equal(out.ok, true);
    assert.ok(out.steps.some((s) => s.statement === 'VACUUM (ANALYZE) "identity"."organizations"'));
    assert.ok(out.steps.some((s) => s.statement === 'ANALYZE "ledger"."leaves"'));
    for (let i = 0; i < 100 && (await deadTuples(db.url, 'organizations')) > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const health = await runCli(
      ['db', 'health', '--json', '--dead-tuples', '1000', '--dead-ratio', '0.5'],
      env(),
    );
    const report = jsonOf<HealthJson>(health);
    assert.equal(report.findings.filter((f) => f.kind === 'dead_tuples').length, 0);
    assert.ok(report.tables.find((t) => t.table === 'organizations')?.lastVacuum);
  });

  test('maintain --reindex rebuilds every index of our schemas concurrently', async () => {
    const res = await runCli(['db', 'maintain', '--reindex', '--json'], env());
    assert.equal(res.code, 0, res.stderr + res.stdout);
    const out = jsonOf<{ steps: { statement: string; ok: boolean }[] }>(res);
    assert.ok(out.steps.length > 10);
    assert.ok(out.steps.every((s) => s.ok && s.statement.startsWith('REINDEX INDEX CONCURRENTLY ')));
    assert.ok(out.steps.some((s) => s.statement.includes('"identity"."users_email_live_idx"')));
  });

  test('the thresholds decide: replica lag, unused and bloated indexes are findings only above them', () => {
    const report: DbHealthReport = {
      checkedAt: '2026-01-01T00:00:00Z',
      role: 'primary',
      tables: [
        {
          schema: 'ledger',
          table: 'leaves',
          liveTuples: 1000,
          deadTuples: 200_000,
          deadRatio: 200 / 201,
          lastVacuum: null,
          lastAutovacuum: null,
          lastAnalyze: null,
          lastAutoanalyze: null,
        },
      ],
      longQueries: [{ pid: 7, seconds: 299, state: 'active', application: 'x', query: 'select 1' }],
      replication: [{ name: 'standby-a', state: 'streaming', lagSeconds: 31, lagBytes: 10 }],
      indexes: [
        {
          schema: 'event',
          table: 'events',
          index: 'a_idx',
          scans: 0,
          sizeBytes: 20 * 1024 * 1024,
          unique: false,
          bloatRatio: 0.1,
        },
        {
          schema: 'event',
          table: 'events',
          index: 'b_key',
          scans: 0,
          sizeBytes: 20 * 1024 * 1024,
          unique: true,
          bloatRatio: 0.7,
        },
      ],
      outbox: [],
    };
    const kinds = evaluateDbHealth(report, DEFAULT_THRESHOLDS).map((f) => `${f.kind} ${f.subject}`);
    assert.deepEqual(kinds.sort(), [
      'dead_tuples ledger.leaves',
      'index_bloat event.b_key',
      'replica_lag standby-a',
      'unused_index event.a_idx',
    ]);
    assert.deepEqual(
      evaluateDbHealth(report, {
        ...DEFAULT_THRESHOLDS,
        deadTuples: 300_000,
        replicaLagSeconds: 60,
        unusedIndexBytes: 1e9,
        bloatRatio: 0.8,
      }),
      [],
    );
  });
});
