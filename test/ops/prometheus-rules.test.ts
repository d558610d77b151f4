/**
 * The alert and recording rules of deploy/prometheus: checked and unit-tested with the real
 * promtool, and held to the operations plan (§3.2 thresholds, §4.1 priorities, §10 SLOs).
 */
import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import {
  alertRules,
  listFiles,
  paths,
  RUNBOOK_BASE,
  readYaml,
  recordingRules,
  run,
  runAsync,
} from './support/ops.ts';

const SERVICE_JOBS = [
  'gateway',
  'identity-service',
  'audit-service',
  'file-service',
  'event-service',
  'verification-service',
  'witness',
];

interface PromtoolTestFile {
  rule_files: string[];
  tests: {
    name?: string;
    alert_rule_test?: { alertname: string; exp_alerts?: { exp_labels?: Record<string, string> }[] }[];
  }[];
}

test('promtool check rules accepts every rule file', () => {
  const files = listFiles(paths.rules, '.yml');
  assert.ok(files.length >= 5, 'expected the rule files of deploy/prometheus/rules');
  const res = run('promtool', ['check', 'rules', ...files]);
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

test('promtool check config accepts prometheus.yml with its rule files', () => {
  const res = run('promtool', ['check', 'config', join(paths.prometheus, 'prometheus.yml')]);
  assert.equal(res.status, 0, res.stdout + res.stderr);
  assert.match(res.stdout, new RegExp(`SUCCESS: ${listFiles(paths.rules, '.yml').length} rule files found`));
});

test('prometheus.yml scrapes every process as its own job, labelled service=<job>', () => {
  const config = readYaml<{
    rule_files: string[];
    scrape_configs: {
      job_name: string;
      honor_labels?: boolean;
      static_configs: { labels?: Record<string, string> }[];
    }[];
  }>(join(paths.prometheus, 'prometheus.yml'));
  assert.deepEqual(config.rule_files, ['rules/*.yml']);
  for (const job of SERVICE_JOBS) {
    const scrape = config.scrape_configs.find((s) => s.job_name === job);
    assert.ok(scrape, `no scrape job ${job}`);
    assert.equal(scrape.honor_labels, true, `${job}: our processes set their own service label`);
    for (const sc of scrape.static_configs) assert.equal(sc.labels?.service, job, `${job}: service label`);
  }
});

test('promtool test rules passes every rule test file', async () => {
  const files = listFiles(paths.ruleTests, '.yml');
  assert.ok(files.length >= 5);
  // One promtool per file, side by side: the SLO files replay hours of samples.
  const results = await Promise.all(files.map((f) => runAsync('promtool', ['test', 'rules', f])));
  const failures = results
    .map((res, i) => ({ res, file: files[i] as string }))
    .filter(({ res }) => res.status !== 0 || !res.stdout.includes('SUCCESS'));
  assert.deepEqual(
    failures.map(({ file, res }) => `${basename(file)}:\n${res.stdout}${res.stderr}`),
    [],
  );
});

test('every rule file has a promtool test file', () => {
  const tested = new Set(
    listFiles(paths.ruleTests, '.yml').flatMap((f) =>
      readYaml<PromtoolTestFile>(f).rule_files.map((r) => basename(r)),
    ),
  );
  for (const file of listFiles(paths.rules, '.yml'))
    assert.ok(tested.has(basename(file)), `${basename(file)} has no test`);
});

test('every alert rule has a promtool case where it fires and one where it stays silent', () => {
  // Keyed by alert name and severity: an SLO alert's page (critical) and ticket (warning) share a name.
  const fires = new Set<string>();
  const silent = new Set<string>();
  const key = (alert: string, severity: string) => `${alert}/${severity}`;
  const rules = alertRules();
  const severities = new Map<string, string[]>();
  for (const r of rules)
    severities.set(r.alert, [...(severities.get(r.alert) ?? []), r.labels.severity as string]);
  for (const file of listFiles(paths.ruleTests, '.yml')) {
    for (const t of readYaml<PromtoolTestFile>(file).tests) {
      for (const check of t.alert_rule_test ?? []) {
        const expected = new Set((check.exp_alerts ?? []).map((a) => a.exp_labels?.severity));
        for (const severity of severities.get(check.alertname) ?? []) {
          (expected.has(severity) ? fires : silent).add(key(check.alertname, severity));
        }
      }
    }
  }
  const missing: string[] = [];
  for (const r of rules) {
    const k = key(r.alert, r.labels.severity as string);
    if (!fires.has(k)) missing.push(`${k}: no case where it fires`);
    if (!silent.has(k)) missing.push(`${k}: no case where it stays silent`);
  }
  assert.deepEqual(missing, []);
});

test('every alert has severity, a plan priority, a summary, a description and its runbook URL', () => {
  const problems: string[] = [];
  for (const r of alertRules()) {
    const { severity, priority } = r.labels;
    if (severity === 'critical') {
      if (!['P1', 'P2'].includes(priority as string))
        problems.push(`${r.alert}: critical must be P1 or P2, is ${priority}`);
    } else if (severity === 'warning') {
      if (!['P3', 'P4'].includes(priority as string))
        problems.push(`${r.alert}: warning must be P3 or P4, is ${priority}`);
    } else {
      problems.push(`${r.alert}: severity ${severity}`);
    }
    for (const a of ['summary', 'description']) {
      if (!r.annotations[a]?.trim()) problems.push(`${r.alert}: no ${a}`);
    }
    if (r.annotations.runbook_url !== `${RUNBOOK_BASE}${r.alert}.md`) {
      problems.push(`${r.alert}: runbook_url ${r.annotations.runbook_url}`);
    }
  }
  assert.deepEqual(problems, []);
});

test("the plan's alerts keep their thresholds and durations on our metrics", () => {
  // [alert, for, fragments the expression must contain]
  const plan: [string, string, string[]][] = [
    [
      'ServiceDown',
      '1m',
      [
        'up{job=~"gateway|identity-service|audit-service|file-service|event-service|verification-service"}',
        '== 0',
      ],
    ],
    ['DatabaseClusterUnhealthy', '1m', ['db_cluster_healthy_nodes) < 2', 'db_cluster_expected_nodes) >= 2']],
    ['DatabaseConnectionExhausted', '5m', ['db_pool_connections_active / db_pool_connections_max', '> 0.9']],
    [
      'TransactionErrorRateHigh',
      '5m',
      ['rate(db_transaction_errors_total[5m])', 'rate(db_transactions_total[5m])', '> 0.05'],
    ],
    [
      'HighLatency',
      '10m',
      ['histogram_quantile(0.99', 'http_request_duration_seconds_bucket', '[5m]', '> 0.5'],
    ],
    ['PodRestartLoop', '5m', ['increase(kube_pod_container_status_restarts_total[1h]) > 3']],
    [
      'DiskSpaceRunningLow',
      '30m',
      ['node_filesystem_avail_bytes', 'node_filesystem_size_bytes', '* 100 < 20'],
    ],
  ];
  const rules = alertRules();
  for (const [alert, forDuration, fragments] of plan) {
    const rule = rules.find((r) => r.alert === alert);
    assert.ok(rule, `${alert} is missing`);
    assert.equal(rule.for, forDuration, `${alert}: for`);
    const flat = rule.expr.replace(/\s+/g, ' ');
    for (const f of fragments) assert.ok(flat.includes(f), `${alert}: expression lacks ${f}\n${flat}`);
  }
  assert.equal(rules.find((r) => r.alert === 'ServiceDown')?.labels.priority, 'P1');
});

test('the product alerts are present with their conditions', () => {
  const rules = alertRules();
  const get = (name: string) => {
    const r = rules.find((x) => x.alert === name);
    assert.ok(r, `${name} is missing`);
    return { ...r, flat: r.expr.replace(/\s+/g, ' ') };
  };
  for (const name of ['TamperDetected', 'WitnessInconsistent']) {
    const r = get(name);
    assert.equal(r.labels.severity, 'critical');
    assert.equal(r.labels.priority, 'P1');
    assert.ok(r.for === undefined || r.for === '0s', `${name} must fire without delay`);
    assert.match(
      r.flat,
      /increase\(auditor_(tamper_detected|witness_consistency_failures)_total\[\w+\]\)\) > 0$/,
    );
  }
  assert.match(
    get('BackupTooOld').flat,
    /time\(\) - max\(auditor_backup_last_success_timestamp_seconds\) > 26 \* 3600/,
  );
  assert.match(get('LongRunningQuery').flat, /auditor_db_long_running_queries\) > 0/);
  assert.match(get('PostgresReplicaLagHigh').flat, /auditor_db_replica_lag_seconds\) > \d+/);
  assert.match(get('DatabaseDeadTuplesHigh').flat, /auditor_db_dead_tuples\) > \d+/);
  assert.match(get('CheckpointStale').flat, /auditor_ledger_checkpoint_age_seconds\) > \d+/);
  assert.match(get('EventIngestLagHigh').flat, /auditor_box_ingest_lag_seconds\) > \d+/);
  assert.match(get('BoxApiThrottled').flat, /auditor_box_api_requests_total\{status="429"\}/);
  assert.match(get('OutboxBacklog').flat, /auditor_outbox_oldest_age_seconds\) > \d+/);
  assert.match(
    get('CertificateExpiringSoon').flat,
    /certmanager_certificate_expiration_timestamp_seconds - time\(\) < /,
  );
});

test('each SLO has its burn-rate windows recorded and alerts at 14.4x, 6x, 3x and 1x of its budget', () => {
  const records = recordingRules();
  const objectives = new Map<string, number>();
  for (const r of records.filter((x) => x.record === 'slo:objective:ratio')) {
    const m = /^vector\(([\d.]+)\)$/.exec(r.expr.trim());
    assert.ok(m, `objective of ${r.labels.slo} must be a constant`);
    objectives.set(r.labels.slo as string, Number(m[1]));
  }
  assert.deepEqual(
    Object.fromEntries(objectives),
    {
      'identity-availability': 0.999,
      'audit-availability': 0.9995,
      'verification-latency': 0.99,
      'event-freshness': 0.99,
    },
    'operations.md §1: identity 99.9 %, audit 99.95 %, verification 99 % under 1 s, event 99 % fresh minutes',
  );
  const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'];
  const sloAlerts = alertRules().filter((r) => r.alert.endsWith('ErrorBudgetBurn'));
  for (const [slo, objective] of objectives) {
    const recordedWindows = records
      .filter(
        (r) =>
          r.record.startsWith('slo:sli_error:ratio_rate') &&
          (r.labels.slo === slo || r.expr.includes(`slo="${slo}"`)),
      )
      .map((r) => r.record.replace('slo:sli_error:ratio_rate', ''));
    assert.deepEqual([...new Set(recordedWindows)].sort(), [...windows].sort(), `${slo}: recorded windows`);

    const budget = 1 - objective;
    const expected = {
      critical: [
        ['1h', 14.4],
        ['5m', 14.4],
        ['6h', 6],
        ['30m', 6],
      ],
      warning: [
        ['1d', 3],
        ['2h', 3],
        ['3d', 1],
        ['6h', 1],
      ],
    } as const;
    for (const severity of ['critical', 'warning'] as const) {
      const rule = sloAlerts.find((r) => r.expr.includes(`slo="${slo}"`) && r.labels.severity === severity);
      assert.ok(rule, `${slo}: no ${severity} burn-rate alert`);
      const found = [
        ...rule.expr.matchAll(/slo:sli_error:ratio_rate(\w+)\{slo="([^"]+)"\} > ([\d.e-]+)/g),
      ].map((m) => [m[1], m[2], Number(m[3])]);
      assert.equal(found.length, 4, `${rule.alert} ${severity}: four windows`);
      expected[severity].forEach(([window, factor], i) => {
        const [w, s, threshold] = found[i] as [string, string, number];
        assert.equal(w, window, `${rule.alert} ${severity}: window ${i}`);
        assert.equal(s, slo);
        assert.ok(
          Math.abs(threshold - factor * budget) < 1e-9,
          `${rule.alert} ${window}: ${threshold} != ${factor} x ${budget}`,
        );
      });
      assert.equal(rule.for, severity === 'critical' ? '2m' : '15m');
    }
  }
});

test('the verification latency SLO counts requests slower than 1 s through the le="1" bucket', () => {
  const latency = recordingRules().filter(
    (r) => r.labels.slo === 'verification-latency' && r.record.startsWith('slo:sli_error'),
  );
  assert.ok(latency.length >= 7);
  for (const r of latency) {
    assert.ok(r.expr.includes('http_request_duration_seconds_count'), r.record);
    assert.ok(r.expr.includes('le=~"1(\\\\.0)?"'), `${r.record}: le="1" bucket (or "1.0" on Prometheus 3)`);
  }
});
