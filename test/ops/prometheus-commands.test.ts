/**
 * `auditor ops slo`, `auditor deploy check-canary` and `auditor ops capacity` against a real
 * Prometheus holding synthetic history (promtool tsdb create-blocks-from openmetrics) and evaluating
 * the repository's SLO budget rules (deploy/prometheus/rules/slo-budget.yml, every 1 s here).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { budgetPolicy } from '../../src/ops/slo-report.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestApp } from '../support/test-app.ts';
import { jsonOf, runCli } from './support/cli.ts';
import { repoRoot } from './support/prometheus-rule.ts';
import {
  openMetrics,
  promQuery,
  type RunningPrometheus,
  type SeriesPoint,
  startPrometheus,
  waitFor,
} from './support/prometheus-server.ts';

const NOW = Math.floor(Date.now() / 1000) - 30;
const DAY = 86_400;

/** A counter rising by `perStep(t)` every `step` seconds from `from` to NOW. */
function counter(from: number, step: number, perStep: (t: number) => number): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  let v = 0;
  for (let t = from; t <= NOW; t += step) {
    points.push({ t, v: Math.round(v * 1000) / 1000 });
    v += perStep(t);
  }
  return points;
}

function history(): string {
  const from = NOW - 31 * DAY;
  const step = 1800;
  const req = (service: string, status: string, perStep: number) => ({
    labels: { service, method: 'GET', route: '/api/v1/me', status },
    points: counter(from, step, () => perStep),
  });
  const verif = { service: 'verification-service', method: 'GET', route: '/api/v1/verifications/:id' };
  // Canary window: the last 20 minutes, every 15 s.
  const cFrom = NOW - 20 * 60;
  const canaryReq = (hash: string, status: string, perStep: number) => ({
    labels: {
      service: 'file-service',
      method: 'GET',
      route: '/api/v1/files/:id',
      status,
      rollouts_pod_template_hash: hash,
    },
    points: counter(cFrom, 15, () => perStep),
  });
  const canaryBucket = (hash: string, le: string, perStep: number) => ({
    labels: {
      service: 'file-service',
      method: 'GET',
      route: '/api/v1/files/:id',
      le,
      rollouts_pod_template_hash: hash,
    },
    points: counter(cFrom, 15, () => perStep),
  });
  const buckets = (hash: string, underTenth: number, underHalf: number, underOne: number) => [
    canaryBucket(hash, '0.1', underTenth),
    canaryBucket(hash, '0.5', underHalf),
    canaryBucket(hash, '1', underOne),
    canaryBucket(hash, '+Inf', 100),
  ];
  return openMetrics([
    {
      name: 'http_requests_total',
      type: 'unknown',
      series: [
        // identity: 0.03 % errors of a 0.1 % budget -> 70 % left (normal)
        req('identity-service', '200', 999.7),
        req('identity-service', '500', 0.3),
        // audit: 0.035 % errors of a 0.05 % budget -> 30 % left (feature freeze)
        req('audit-service', '200', 999.65),
        req('audit-service', '500', 0.35),
        // canaries of the file service: good (0.5 % errors), failing (5 % errors), slow (no errors, P99 ~ 0.9 s); stable
        canaryReq('good', '200', 99.5),
        canaryReq('good', '500', 0.5),
        canaryReq('errors', '200', 95),
        canaryReq('errors', '503', 5),
        canaryReq('slow', '200', 100),
        canaryReq('stable', '200', 100),
      ],
    },
    {
      name: 'http_request_duration_seconds_bucket',
      type: 'unknown',
      series: [
        // verification: 0.9 % slower than 1 s of a 1 % budget -> 10 % left (incidents only)
        { labels: { ...verif, le: '1' }, points: counter(from, step, () => 991) },
        { labels: { ...verif, le: '+Inf' }, points: counter(from, step, () => 1000) },
        ...buckets('good', 99.5, 100, 100),
        ...buckets('errors', 99.5, 100, 100),
        ...buckets('slow', 90, 95, 100),
        ...buckets('stable', 99.9, 100, 100),
      ],
    },
    {
      name: 'http_request_duration_seconds_count',
      type: 'unknown',
      series: [
        { labels: verif, points: counter(from, step, () => 1000) },
        ...['good', 'errors', 'slow', 'stable'].map((hash) => ({
          labels: {
            service: 'file-service',
            method: 'GET',
            route: '/api/v1/files/:id',
            rollouts_pod_template_hash: hash,
          },
          points: counter(cFrom, 15, () => 100),
        })),
      ],
    },
    {
      // event freshness: one bad half-hour in 50 -> 2 % bad of a 1 % budget -> exhausted
      name: 'slo:event_freshness_bad_minute:bool',
      type: 'unknown',
      series: [
        {
          labels: { slo: 'event-freshness', service: 'event-service' },
          points: counter(from, step, () => 0).map((p, i) => ({ t: p.t, v: i % 50 === 0 ? 1 : 0 })),
        },
      ],
    },
    {
      // 0.2 cores until the last two hours, 0.3 since; memory 100 MB a month ago growing 1 MB a day
      name: 'process_cpu_seconds_total',
      type: 'unknown',
      series: [
        {
          labels: { service: 'identity-service' },
          points: counter(NOW - 31 * DAY, 60, (t) => (t >= NOW - 2 * 3600 ? 18 : 12)),
        },
      ],
    },
    {
      name: 'process_resident_memory_bytes',
      type: 'unknown',
      series: [
        {
          labels: { service: 'identity-service' },
          points: counter(from, step, () => 0).map((p) => ({
            t: p.t,
            v: 100e6 + ((p.t - (NOW - 30 * DAY)) / DAY) * 1e6,
          })),
        },
      ],
    },
  ]);
}

describe('ops commands reading Prometheus', () => {
  let prom: RunningPrometheus;
  before(async () => {
    prom = await startPrometheus({
      history: history(),
      ruleFiles: {
        'slo-budget.yml': readFileSync(
          join(repoRoot, 'deploy/prometheus/rules/slo-budget.yml'),
          'utf8',
        ).replace(/interval: 5m/, 'interval: 1s'),
      },
    });
    await waitFor(
      'the budget rules to be evaluated',
      async () => {
        const r = await promQuery(prom.url, 'slo:error_budget_remaining:ratio');
        return r.length === 4 ? r : undefined;
      },
      60_000,
    );
  });
  after(() => prom?.stop());

  test("ops slo prints each SLO's 30-day SLI, remaining budget and the plan's policy state", async () => {
    const res = await runCli(['ops', 'slo', '--prometheus', prom.url, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const lines =
      jsonOf<
        {
          slo: string;
          service: string;
          objective: number;
          sli: number;
          budgetRemaining: number;
          budgetMinutesTotal: number;
          policy: string;
        }[]
      >(res);
    const by = Object.fromEntries(lines.map((l) => [l.slo, l]));
    assert.deepEqual(Object.keys(by).sort(), [
      'audit-availability',
      'event-freshness',
      'identity-availability',
      'verification-latency',
    ]);
    const near = (a: number, b: number, eps = 0.005) => assert.ok(Math.abs(a - b) < eps, `${a} is not ${b}`);
    near(by['identity-availability']!.budgetRemaining, 0.7);
    near(by['identity-availability']!.sli, 0.9997, 0.00001);
    assert.equal(by['identity-availability']!.policy, 'normal');
    assert.equal(by['identity-availability']!.budgetMinutesTotal, 43.2);
    near(by['audit-availability']!.budgetRemaining, 0.3);
    assert.equal(by['audit-availability']!.policy, 'feature-freeze');
    assert.equal(by['audit-availability']!.budgetMinutesTotal, 21.6);
    near(by['verification-latency']!.budgetRemaining, 0.1);
    assert.equal(by['verification-latency']!.policy, 'incidents-only');
    near(by['event-freshness']!.budgetRemaining, -1, 0.1);
    assert.equal(by['event-freshness']!.policy, 'service-freeze');
    assert.equal(by['event-freshness']!.service, 'event-service');

    const table = await runCli(['ops', 'slo', '--prometheus', prom.url]);
    assert.match(
      table.stdout,
      /feature-freeze: feature freeze, reliability first \/ 新機能凍結、信頼性改善優先/,
    );
  });

  test('GET /api/v1/ops/slo (the web Operations page) serves the same summary as `ops slo`, to audit admins', async () => {
    const app = await startTestApp({ env: { AUDITOR_PROMETHEUS_URL: prom.url } });
    try {
      const admin = await app.bootstrapAdmin('admin@slo-prometheus.test');
      const res = await app.api.get('/api/v1/ops/slo', admin.token);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as { configured: boolean; at: string; slos: { slo: string; policy: string }[] };
      assert.equal(body.configured, true);
      assert.ok(Math.abs(Date.parse(body.at) - Date.now()) < 60_000);
      const cli = jsonOf<{ slo: string; policy: string }[]>(
        await runCli(['ops', 'slo', '--prometheus', prom.url, '--json']),
      );
      assert.deepEqual(
        body.slos.map((l) => [l.slo, l.policy]),
        cli.map((l) => [l.slo, l.policy]),
      );
      assert.deepEqual(Object.fromEntries(body.slos.map((l) => [l.slo, l.policy])), {
        'audit-availability': 'feature-freeze',
        'event-freshness': 'service-freeze',
        'identity-availability': 'normal',
        'verification-latency': 'incidents-only',
      });
    } finally {
      await app.stop();
    }
  });

  test('the budget policy thresholds are those of plan §10.2', () => {
    assert.deepEqual([0.9, 0.5, 0.2, 0.19, 0.01, 0, -0.5, undefined].map(budgetPolicy), [
      'normal',
      'feature-freeze',
      'feature-freeze',
      'incidents-only',
      'incidents-only',
      'service-freeze',
      'service-freeze',
      'unknown',
    ]);
  });

  test('deploy check-canary promotes a healthy canary (exit 0) and rolls back on errors or slow P99 (exit 1)', async () => {
    const check = (hash: string) =>
      runCli([
        'deploy',
        'check-canary',
        '--prometheus',
        prom.url,
        '--service',
        'file-service',
        '--canary-selector',
        `rollouts_pod_template_hash="${hash}"`,
        '--stable-selector',
        'rollouts_pod_template_hash="stable"',
        '--json',
      ]);
    const good = await check('good');
    assert.equal(good.code, 0, good.stdout + good.stderr);
    const g = jsonOf<{
      verdict: string;
      canary: { errorRate: number; p99Seconds: number };
      stable: { errorRate: number };
    }>(good);
    assert.equal(g.verdict, 'promote');
    assert.ok(Math.abs(g.canary.errorRate - 0.005) < 1e-6);
    assert.ok(g.canary.p99Seconds < 0.5);
    assert.equal(g.stable.errorRate, 0);

    const errors = await check('errors');
    assert.equal(errors.code, 1);
    const e = jsonOf<{ verdict: string; reasons: string[] }>(errors);
    assert.equal(e.verdict, 'rollback');
    assert.match(e.reasons.join(' '), /error rate 5\.00 % is not below 1\.00 %/);

    const slow = await check('slow');
    assert.equal(slow.code, 1);
    assert.match(jsonOf<{ reasons: string[] }>(slow).reasons.join(' '), /P99 \d+ ms is not below 500 ms/);

    const none = await check('absent');
    assert.equal(none.code, 2);
    assert.equal(jsonOf<{ verdict: string }>(none).verdict, 'inconclusive');
  });

  describe('ops capacity', () => {
    let db: TestDatabase;
    let dataDir: string;
    before(async () => {
      db = await createTestDatabase();
      dataDir = mkdtempSync(join(tmpdir(), 'auditor-capacity-'));
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      // 100 ledger leaves appended over the last 10 days.
      await c.query(
        `insert into ledger.logs (org_id, origin, root) values (gen_random_uuid(), 'cap.test/x', decode(repeat('00', 32), 'hex'))`,
      );
      await c.query(`insert into ledger.leaves (log_id, leaf_index, kind, ref, data, leaf_hash, appended_at)
        select (select id from ledger.logs), i, 'audit_action', 'r' || i, repeat('x', 500), decode(repeat('ab', 32), 'hex'),
               now() - (i * interval '144 minutes') from generate_series(0, 99) i`);
      await c.end();
    });
    after(async () => {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('reports size per schema, growth per day and 6- and 12-month projections beside the plan table', async () => {
      const res = await runCli(['ops', 'capacity', '--prometheus', prom.url, '--json'], {
        DATABASE_URL: db.url,
        AUDITOR_DATA_DIR: dataDir,
      });
      assert.equal(res.code, 0, res.stderr);
      const out = jsonOf<{
        schemas: { schema: string; bytes: number }[];
        growth: { table: string; rowsPerDay: number; bytesPerDay: number }[];
        projections: {
          resource: string;
          now: number;
          perDay: number;
          in6Months: number;
          in12Months: number;
        }[];
        plan: { resource: string }[];
      }>(res);
      assert.ok(out.schemas.find((s) => s.schema === 'ledger')!.bytes > 0);
      const leaves = out.growth.find((g) => g.table === 'ledger.leaves')!;
      assert.ok(Math.abs(leaves.rowsPerDay - 10) < 0.6, String(leaves.rowsPerDay));
      const dbProjection = out.projections[0]!;
      assert.ok(Math.abs(dbProjection.in12Months - (dbProjection.now + 365 * dbProjection.perDay)) < 1);
      const cpu = out.projections.find((p) => p.resource.startsWith('CPU'))!;
      // rate() over the last hour of data ending a little before the query: slightly under 0.3 cores.
      assert.ok(cpu.now > 0.27 && cpu.now <= 0.3001, String(cpu.now));
      assert.ok(Math.abs(cpu.perDay - (cpu.now - 0.2) / 30) < 0.0002, String(cpu.perDay));
      const mem = out.projections.find((p) => p.resource.startsWith('Memory'))!;
      assert.ok(Math.abs(mem.perDay - 1e6) < 0.05e6, String(mem.perDay));
      assert.ok(Math.abs(mem.in6Months - (mem.now + 182.5e6)) < 10e6);
      assert.equal(out.plan.length, 4);
    });
  });
});
