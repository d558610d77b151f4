/**
 * Every PromQL expression of deploy/ (rules, dashboards, canary analysis) parses with the Prometheus
 * UI's grammar, and names only metrics of the contract in deploy/prometheus/metrics.json.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  alertRules,
  analysePromql,
  dashboardTargets,
  metricContract,
  paths,
  readYaml,
  recordingRules,
  routeExclusions,
  seriesNames,
  streamingRouteRegex,
  substituteGrafanaVariables,
} from './support/ops.ts';

interface Expression {
  where: string;
  expr: string;
}

function analysisTemplateExpressions(): Expression[] {
  const template = readYaml<{
    spec: { metrics: { name: string; provider: { prometheus: { query: string } } }[] };
  }>(join(paths.kubernetes, 'components/rollout-analysis/analysis-template.yaml'));
  return template.spec.metrics.map((m) => ({
    where: `AnalysisTemplate auditor-canary / ${m.name}`,
    // Argo substitutes {{args.x}} before querying.
    expr: m.provider.prometheus.query.replace(/\{\{args\.([\w-]+)\}\}/g, 'arg-$1'),
  }));
}

function allExpressions(): Expression[] {
  return [
    ...alertRules().map((r) => ({ where: `alert ${r.alert} (${r.labels.severity})`, expr: r.expr })),
    ...recordingRules().map((r) => ({
      where: `record ${r.record} ${JSON.stringify(r.labels)}`,
      expr: r.expr,
    })),
    ...dashboardTargets()
      .filter((t) => t.datasourceType === 'prometheus')
      .map((t) => ({
        where: `dashboard ${t.dashboard.split('/').pop()} / ${t.panel}`,
        expr: substituteGrafanaVariables(t.expr),
      })),
    ...analysisTemplateExpressions(),
  ];
}

test('the parser reports syntax errors, so a clean parse means something', () => {
  assert.ok(analysePromql('sum(rate(http_requests_total[5m])').errors.length > 0);
  assert.ok(analysePromql('rate(http_requests_total{status=~"5.."[5m])').errors.length > 0);
  assert.deepEqual(
    analysePromql('sum by (service) (rate(http_requests_total{status=~"5.."}[5m])) > 0.5').errors,
    [],
  );
  assert.deepEqual(
    [...analysePromql('a_metric / on (x) b_metric{__name__="c_metric"} or up').metrics].sort(),
    ['a_metric', 'c_metric', 'up'],
  );
});

test('every expression in rules, dashboards and the canary analysis parses without error', () => {
  const expressions = allExpressions();
  assert.ok(expressions.length > 100, `only ${expressions.length} expressions found`);
  const broken = expressions
    .map((e) => ({ ...e, errors: analysePromql(e.expr).errors }))
    .filter((e) => e.errors.length > 0)
    .map((e) => `${e.where}: error near ${JSON.stringify(e.errors[0]?.text)}`);
  assert.deepEqual(broken, []);
});

test('every metric named in an expression is listed in metrics.json', () => {
  const contract = metricContract();
  const known = new Set([
    ...contract.ours.flatMap(seriesNames),
    ...contract.external.map((m) => m.name),
    ...contract.recorded,
  ]);
  const unknown: string[] = [];
  for (const e of allExpressions()) {
    for (const metric of analysePromql(e.expr).metrics)
      if (!known.has(metric)) unknown.push(`${e.where}: ${metric}`);
  }
  assert.deepEqual(unknown, []);
});

test('every metric listed in metrics.json is used by a rule or a dashboard', () => {
  const used = new Set(allExpressions().flatMap((e) => [...analysePromql(e.expr).metrics]));
  const contract = metricContract();
  const unused = [
    ...contract.ours.filter((m) => !seriesNames(m).some((s) => used.has(s))).map((m) => `ours: ${m.name}`),
    ...contract.external.filter((m) => !used.has(m.name)).map((m) => `external: ${m.name}`),
    ...contract.recorded.filter((m) => !used.has(m)).map((m) => `recorded: ${m}`),
  ];
  assert.deepEqual(unused, []);
});

test('the recorded metrics of metrics.json are exactly the recording rules', () => {
  assert.deepEqual(
    [...new Set(recordingRules().map((r) => r.record))].sort(),
    [...metricContract().recorded].sort(),
  );
});

test('metrics.json describes each metric of ours with a type, labels and its exporters', () => {
  const contract = metricContract();
  const names = contract.ours.map((m) => m.name);
  assert.equal(new Set(names).size, names.length, 'duplicate names');
  for (const m of contract.ours) {
    assert.ok(['counter', 'gauge', 'histogram', 'summary'].includes(m.type), `${m.name}: type`);
    assert.equal(
      m.type === 'counter',
      m.name.endsWith('_total'),
      `${m.name}: counters and only counters end in _total`,
    );
    assert.ok(Array.isArray(m.labels), `${m.name}: labels`);
    assert.ok(m.exportedBy.length > 0, `${m.name}: exportedBy`);
    assert.ok(
      !m.labels.some((l) => ['user', 'user_id', 'file', 'file_id', 'path'].includes(l)),
      `${m.name}: unbounded label`,
    );
  }
  // The contract of operations.md §2, as written there.
  const required: Record<string, string[]> = {
    http_requests_total: ['service', 'method', 'route', 'status'],
    http_request_duration_seconds: ['service', 'method', 'route'],
    db_pool_connections_active: ['service'],
    db_pool_connections_max: ['service'],
    db_transactions_total: ['service', 'outcome'],
    db_transaction_errors_total: ['service'],
    db_cluster_healthy_nodes: [],
    db_cluster_expected_nodes: [],
    auditor_box_events_ingested_total: ['org'],
    auditor_box_ingest_lag_seconds: ['org'],
    auditor_box_api_requests_total: ['app', 'status'],
    auditor_outbox_pending: ['service'],
    auditor_outbox_oldest_age_seconds: ['service'],
    auditor_ledger_tree_size: [],
    auditor_ledger_checkpoint_age_seconds: [],
    auditor_witness_consistency_failures_total: [],
    auditor_verifications_total: ['result'],
    auditor_tamper_detected_total: [],
  };
  for (const [name, labels] of Object.entries(required)) {
    const m = contract.ours.find((x) => x.name === name);
    assert.ok(m, `${name} is missing from ours`);
    assert.deepEqual(m.labels, labels, `${name}: labels`);
  }
});

test('selectors on our metrics only match labels the metric has', () => {
  const contract = metricContract();
  const labelsOf = new Map<string, Set<string>>();
  for (const m of contract.ours) {
    for (const s of seriesNames(m)) {
      labelsOf.set(
        s,
        new Set([...m.labels, ...contract.targetLabels, ...(s.endsWith('_bucket') ? ['le'] : [])]),
      );
    }
  }
  const wrong: string[] = [];
  for (const e of allExpressions()) {
    for (const sel of analysePromql(e.expr).selectors) {
      const allowed = labelsOf.get(sel.metric);
      if (!allowed) continue;
      for (const l of sel.labels) if (!allowed.has(l)) wrong.push(`${e.where}: ${sel.metric}{${l}=...}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('every latency expression excludes exactly the streaming routes of metrics.json', () => {
  const streaming = streamingRouteRegex();
  assert.equal(metricContract().streamingRoutes.length, 5);
  const latency = allExpressions().filter((e) => e.expr.includes('http_request_duration_seconds'));
  assert.ok(latency.length > 10);
  const wrong: string[] = [];
  for (const e of latency) {
    const exclusions = routeExclusions(e.expr);
    if (exclusions.length === 0) wrong.push(`${e.where}: no route!~ matcher`);
    for (const x of exclusions) {
      // The SLO rules also drop /metrics and /health/*; the streaming routes must all be there.
      const routes = new Set(x.split('|'));
      for (const r of streaming.split('|'))
        if (!routes.has(r)) wrong.push(`${e.where}: does not exclude ${r}`);
    }
  }
  assert.deepEqual(wrong, []);
  const highLatency = alertRules().find((r) => r.alert === 'HighLatency');
  assert.deepEqual(routeExclusions(highLatency?.expr ?? ''), [streaming]);
});
