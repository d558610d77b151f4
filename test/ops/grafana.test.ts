/**
 * deploy/grafana and deploy/logging: data sources linked to each other, the plan's dashboard panels
 * with their thresholds (§3.3), and a log pipeline that keeps unbounded fields out of Loki labels.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { dashboardPanels, dashboards, paths, readText, readYaml, repoRoot } from './support/ops.ts';

interface DataSource {
  name: string;
  uid: string;
  type: string;
  url: string;
  jsonData?: Record<string, unknown>;
}

const datasources = () =>
  readYaml<{ datasources: DataSource[] }>(join(paths.grafana, 'provisioning/datasources/datasources.yaml'))
    .datasources;

interface PanelLike {
  id?: number;
  title?: string;
  type?: string;
  datasource?: { uid?: string; type?: string };
  targets?: { expr?: string }[];
  fieldConfig?: { defaults?: { thresholds?: { steps: { value: number | null }[] } } };
}

function panel(file: string, titlePart: string): PanelLike {
  const d = dashboards().find((x) => x.file.endsWith(file));
  assert.ok(d, `${file} is missing`);
  const p = dashboardPanels(d.json).find((x) => (x as PanelLike).title?.includes(titlePart)) as
    | PanelLike
    | undefined;
  assert.ok(p, `${file}: no panel "${titlePart}"`);
  return p;
}

function thresholdValues(p: PanelLike): (number | null)[] {
  return (p.fieldConfig?.defaults?.thresholds?.steps ?? []).map((s) => s.value);
}

test('Grafana provisions Prometheus, Loki and Tempo, with traces linked to logs and logs to traces', () => {
  const ds = datasources();
  const byType = new Map(ds.map((d) => [d.type, d]));
  for (const type of ['prometheus', 'loki', 'tempo']) assert.ok(byType.get(type), `no ${type} data source`);
  const loki = byType.get('loki') as DataSource;
  const tempo = byType.get('tempo') as DataSource;
  const prometheus = byType.get('prometheus') as DataSource;
  const toLogs = tempo.jsonData?.tracesToLogsV2 as { datasourceUid: string; query: string };
  assert.equal(toLogs.datasourceUid, loki.uid, 'Tempo -> Loki');
  assert.match(
    toLogs.query,
    /trace_id="\$\$\{__trace\.traceId\}"/,
    'filters logs by trace id (structured metadata)',
  );
  const derived = loki.jsonData?.derivedFields as {
    datasourceUid: string;
    matcherType: string;
    matcherRegex: string;
  }[];
  assert.ok(
    derived.some(
      (f) => f.datasourceUid === tempo.uid && f.matcherType === 'label' && f.matcherRegex === 'trace_id',
    ),
    'Loki -> Tempo through the trace_id structured metadata',
  );
  assert.equal(prometheus.uid, 'prometheus');
  assert.equal(ds.filter((d) => (d as { isDefault?: boolean }).isDefault).length, 1);
});

test('the dashboard provider loads the dashboards folder', () => {
  const cfg = readYaml<{ providers: { type: string; options: { path: string } }[] }>(
    join(paths.grafana, 'provisioning/dashboards/dashboards.yaml'),
  );
  assert.equal(cfg.providers.length, 1);
  assert.equal(cfg.providers[0]?.type, 'file');
  assert.ok(cfg.providers[0]?.options.path.startsWith('/'));
});

test('every dashboard has a unique uid, unique panel ids and only provisioned data sources', () => {
  const uids = new Set(datasources().map((d) => d.uid));
  const all = dashboards();
  assert.ok(all.length >= 4);
  const dashUids = all.map((d) => d.json.uid);
  assert.equal(new Set(dashUids).size, dashUids.length);
  for (const { file, json } of all) {
    assert.ok(typeof json.title === 'string' && json.title.length > 0, file);
    const panels = dashboardPanels(json) as PanelLike[];
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: duplicate panel ids`);
    for (const p of panels) {
      if (p.type === 'row') continue;
      assert.ok(
        p.datasource?.uid && uids.has(p.datasource.uid),
        `${file} / ${p.title}: data source ${p.datasource?.uid}`,
      );
      assert.ok((p.targets ?? []).length > 0, `${file} / ${p.title}: no query`);
    }
  }
});

test("the service overview has the plan's panels with the plan's thresholds", () => {
  const f = 'service-overview.json';
  assert.match(panel(f, 'Request rate').targets?.[0]?.expr ?? '', /rate\(http_requests_total/);
  const errors = panel(f, 'Error rate');
  assert.match(errors.targets?.[0]?.expr ?? '', /status=~"5\.\."/);
  assert.deepEqual(thresholdValues(errors), [null, 0.01], 'error rate < 1 %');
  const latency = panel(f, 'Latency P50 / P99');
  const exprs = (latency.targets ?? []).map((t) => t.expr ?? '');
  assert.ok(exprs.some((e) => e.startsWith('histogram_quantile(0.5,')));
  assert.ok(exprs.some((e) => e.startsWith('histogram_quantile(0.99,')));
  assert.deepEqual(thresholdValues(latency), [null, 0.5], 'P50/P99 < 500 ms');
  const availability = panel(f, 'Availability');
  assert.match(availability.targets?.[0]?.expr ?? '', /up\{/);
  assert.deepEqual(thresholdValues(availability), [null, 0.999], 'availability > 99.9 %');
  const connections = panel(f, 'Active DB connections (share of pool');
  assert.match(
    connections.targets?.[0]?.expr ?? '',
    /db_pool_connections_active.*\/.*db_pool_connections_max/,
  );
  assert.deepEqual(thresholdValues(connections), [null, 0.8], 'active connections < 80 %');
});

test('the SLO, ingestion and ledger dashboards show what operations.md §4 lists', () => {
  assert.match(
    panel('slo.json', 'Error budget remaining').targets?.[0]?.expr ?? '',
    /slo:error_budget_remaining:ratio/,
  );
  assert.deepEqual(
    thresholdValues(panel('slo.json', 'Error budget remaining')),
    [null, 0.2, 0.5],
    'plan §10.2 policy bands',
  );
  assert.match(
    panel('ingestion.json', 'Events ingested per second').targets?.[0]?.expr ?? '',
    /auditor_box_events_ingested_total/,
  );
  assert.match(
    panel('ingestion.json', 'Ingest lag').targets?.[0]?.expr ?? '',
    /auditor_box_ingest_lag_seconds/,
  );
  assert.match(
    panel('ingestion.json', 'Box API requests by status').targets?.[0]?.expr ?? '',
    /by \(app, status\)/,
  );
  assert.match(panel('ledger.json', 'Tree size').targets?.[0]?.expr ?? '', /auditor_ledger_tree_size/);
  assert.match(
    panel('ledger.json', 'Checkpoint age').targets?.[0]?.expr ?? '',
    /auditor_ledger_checkpoint_age_seconds/,
  );
  assert.match(
    panel('ledger.json', 'Witness consistency failures').targets?.[0]?.expr ?? '',
    /auditor_witness_consistency_failures_total/,
  );
  assert.match(panel('ledger.json', 'Verifications by result').targets?.[0]?.expr ?? '', /by \(result\)/);
  assert.match(
    panel('ledger.json', 'Tamper detections in range').targets?.[0]?.expr ?? '',
    /auditor_tamper_detected_total/,
  );
});

// ------------------------------------------------------------------------------ log shipping

/** The `values = { ... }` keys of the first block `<name> { ... }` in a River file. */
function riverBlockKeys(text: string, block: string): string[] {
  const start = text.indexOf(`${block} {`);
  assert.ok(start >= 0, `no ${block} block`);
  let depth = 0;
  let end = start;
  for (let i = text.indexOf('{', start); i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}') depth--;
    if (depth === 0) {
      end = i;
      break;
    }
  }
  const body = text.slice(start, end);
  return [...body.matchAll(/^\s*(\w+)\s*=\s*""/gm)].map((m) => m[1] as string);
}

test('the Alloy pipeline keeps service and level as labels and trace_id as structured metadata', () => {
  const river = readText(join(repoRoot, 'deploy/logging/alloy.river'));
  const withoutComments = river.replace(/\/\/.*$/gm, '');
  assert.equal(
    (withoutComments.match(/\{/g) ?? []).length,
    (withoutComments.match(/\}/g) ?? []).length,
    'balanced braces',
  );
  assert.deepEqual(riverBlockKeys(withoutComments, 'stage.labels').sort(), ['level', 'service']);
  const metadata = riverBlockKeys(withoutComments, 'stage.structured_metadata');
  assert.ok(metadata.includes('trace_id'));
  assert.ok(metadata.includes('request_id'));
  assert.ok(!riverBlockKeys(withoutComments, 'stage.labels').some((k) => /_id$/.test(k)), 'no id as a label');
  assert.match(withoutComments, /loki\.write "default"/);
  assert.match(withoutComments, /stage\.json/);
});
