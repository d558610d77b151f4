/**
 * Shared helpers of the operations-kit tests (test/ops): file locations, the alert rules, the metric
 * contract, running the real tools (promtool, amtool, kubectl), and parsing PromQL.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parser } from '@prometheus-io/lezer-promql';
import { parse, parseAllDocuments } from 'yaml';
import { loadRuleGroups, repoRoot } from './prometheus-rule.ts';

export { loadRuleGroups, repoRoot };

/** Every alert's runbook lives at RUNBOOK_BASE + <AlertName>.md (docs/runbooks/ in the repository). */
export const RUNBOOK_BASE = 'https://github.com/auditor-for-box/auditor-for-box/blob/main/docs/runbooks/';

export const paths = {
  prometheus: join(repoRoot, 'deploy/prometheus'),
  rules: join(repoRoot, 'deploy/prometheus/rules'),
  ruleTests: join(repoRoot, 'deploy/prometheus/tests'),
  metrics: join(repoRoot, 'deploy/prometheus/metrics.json'),
  alertmanager: join(repoRoot, 'deploy/alertmanager/alertmanager.yml'),
  grafana: join(repoRoot, 'deploy/grafana'),
  dashboards: join(repoRoot, 'deploy/grafana/dashboards'),
  kubernetes: join(repoRoot, 'deploy/kubernetes'),
  runbooks: join(repoRoot, 'docs/runbooks'),
  workflow: join(repoRoot, '.github/workflows/ci.yml'),
  dockerfile: join(repoRoot, 'deploy/docker/Dockerfile'),
};

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function readYaml<T = unknown>(path: string): T {
  return parse(readText(path)) as T;
}

export function listFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(dir, f));
}

// ---------------------------------------------------------------------------------------------
// Running tools

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Run a command synchronously from the repository root. */
export function run(cmd: string, args: string[], cwd = repoRoot): ToolResult {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (res.error) throw new Error(`${cmd} could not run: ${res.error.message}`);
  return { status: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

const execFileAsync = promisify(execFile);

/** Run a command asynchronously (for running several promtool processes at once). */
export async function runAsync(cmd: string, args: string[], cwd = repoRoot): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await execFileAsync(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return { status: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof e.code !== 'number') throw new Error(`${cmd} could not run: ${e.message}`);
    return { status: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// ---------------------------------------------------------------------------------------------
// Rules

export interface AlertRule {
  file: string;
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RecordingRule {
  group: string;
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const out: AlertRule[] = [];
  for (const file of listFiles(paths.rules, '.yml')) {
    const doc = readYaml<{ groups: { name: string; rules: Record<string, unknown>[] }[] }>(file);
    for (const group of doc.groups) {
      for (const rule of group.rules) {
        if (typeof rule.alert !== 'string') continue;
        out.push({
          file,
          group: group.name,
          alert: rule.alert,
          expr: String(rule.expr),
          for: rule.for as string | undefined,
          labels: (rule.labels ?? {}) as Record<string, string>,
          annotations: (rule.annotations ?? {}) as Record<string, string>,
        });
      }
    }
  }
  return out;
}

export function recordingRules(): RecordingRule[] {
  return loadRuleGroups().flatMap((group) =>
    group.rules
      .filter((r) => typeof r.record === 'string')
      .map((r) => ({
        group: group.name,
        record: r.record as string,
        expr: String(r.expr),
        labels: (r.labels ?? {}) as Record<string, string>,
      })),
  );
}

export function alertNames(): string[] {
  return [...new Set(alertRules().map((r) => r.alert))].sort();
}

// ---------------------------------------------------------------------------------------------
// The metric contract (deploy/prometheus/metrics.json)

export interface OurMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary';
  labels: string[];
  exportedBy: string[];
  help: string;
}

export interface MetricContract {
  targetLabels: string[];
  streamingRoutes: string[];
  ours: OurMetric[];
  external: { name: string; source: string }[];
  recorded: string[];
}

export function metricContract(): MetricContract {
  return JSON.parse(readText(paths.metrics)) as MetricContract;
}

/** Series names a metric of ours produces (a histogram is three series). */
export function seriesNames(metric: OurMetric): string[] {
  if (metric.type === 'histogram')
    return [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`];
  if (metric.type === 'summary') return [metric.name, `${metric.name}_sum`, `${metric.name}_count`];
  return [metric.name];
}

/** The route matcher every latency expression must carry: route!~"<streaming routes>". */
export function streamingRouteRegex(): string {
  return metricContract().streamingRoutes.join('|');
}

// ---------------------------------------------------------------------------------------------
// PromQL

export interface PromqlSyntaxError {
  at: number;
  text: string;
}

export interface SelectorUse {
  metric: string;
  labels: string[];
}

export interface PromqlAnalysis {
  errors: PromqlSyntaxError[];
  metrics: Set<string>;
  selectors: SelectorUse[];
}

/** Parse one PromQL expression with the Prometheus UI's lezer grammar. */
export function analysePromql(expr: string): PromqlAnalysis {
  const tree = parser.parse(expr);
  const errors: PromqlSyntaxError[] = [];
  const metrics = new Set<string>();
  const selectors: SelectorUse[] = [];
  const cursor = tree.cursor();
  do {
    const node = cursor.node;
    if (node.type.isError) {
      errors.push({ at: node.from, text: expr.slice(Math.max(0, node.from - 20), node.to + 20) });
    }
    if (node.type.name === 'VectorSelector') {
      let metric = '';
      const labels: string[] = [];
      const identifier = node.getChild('Identifier');
      if (identifier) metric = expr.slice(identifier.from, identifier.to);
      const matchers = node.getChild('LabelMatchers');
      if (matchers) {
        for (let m = matchers.firstChild; m; m = m.nextSibling) {
          const nameNode = m.getChild('LabelName');
          if (!nameNode) continue;
          const name = expr.slice(nameNode.from, nameNode.to);
          if (name === '__name__') {
            const value = m.getChild('StringLiteral');
            if (value) metric = expr.slice(value.from + 1, value.to - 1);
          } else {
            labels.push(name);
          }
        }
      }
      if (metric) {
        metrics.add(metric);
        selectors.push({ metric, labels });
      }
    }
  } while (cursor.next());
  return { errors, metrics, selectors };
}

/** Every `route!~"..."` matcher in an expression. */
export function routeExclusions(expr: string): string[] {
  return [...expr.matchAll(/route!~"([^"]*)"/g)].map((m) => m[1] ?? '');
}

// ---------------------------------------------------------------------------------------------
// Grafana dashboards

export interface DashboardTarget {
  dashboard: string;
  panel: string;
  datasourceType: string;
  expr: string;
}

interface Panel {
  title?: string;
  type?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { type?: string } }[];
  panels?: Panel[];
}

export function dashboards(): { file: string; json: Record<string, unknown> & { panels: Panel[] } }[] {
  return listFiles(paths.dashboards, '.json').map((file) => ({
    file,
    json: JSON.parse(readText(file)) as Record<string, unknown> & { panels: Panel[] },
  }));
}

export function dashboardPanels(json: { panels: Panel[] }): Panel[] {
  return json.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export function dashboardTargets(): DashboardTarget[] {
  const out: DashboardTarget[] = [];
  for (const { file, json } of dashboards()) {
    for (const panel of dashboardPanels(json)) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr !== 'string') continue;
        out.push({
          dashboard: file,
          panel: panel.title ?? '(untitled)',
          datasourceType: target.datasource?.type ?? panel.datasource?.type ?? 'prometheus',
          expr: target.expr,
        });
      }
    }
  }
  return out;
}

/** Replace Grafana's template variables so the expression is plain PromQL. */
export function substituteGrafanaVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '6h')
    .replace(/\$\{(\w+)(:\w+)?\}/g, 'var_$1')
    .replace(/\$(\w+)/g, 'var_$1');
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are free-form YAML
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: rendered manifests are free-form YAML
  [key: string]: any;
};

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null);
}

const rendered = new Map<string, Manifest[]>();

/** `kubectl kustomize <dir>`, parsed; cached per directory within one test process. */
export function kustomize(dir: string): Manifest[] {
  const cached = rendered.get(dir);
  if (cached) return cached;
  const res = run('kubectl', ['kustomize', dir]);
  if (res.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${res.stderr}`);
  const docs = parseManifests(res.stdout);
  rendered.set(dir, docs);
  return docs;
}

export function byKind(docs: Manifest[], kind: string): Manifest[] {
  return docs.filter((d) => d.kind === kind);
}

export function find(docs: Manifest[], kind: string, name: string): Manifest {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return doc;
}
