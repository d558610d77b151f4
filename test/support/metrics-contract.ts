/**
 * The telemetry contract (operations.md §2, deploy/prometheus/metrics.json): parse a /metrics page
 * and list what it lacks or does wrong for a given process — a metric missing or of another type,
 * a metric without a series where its series must exist from start-up, labels other than the
 * documented ones, or label values that are raw paths, user or file ids.
 */
import { readFileSync } from 'node:fs';

export interface ContractMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  labels: string[];
  exportedBy: string[];
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const contractFile = new URL('../../deploy/prometheus/metrics.json', import.meta.url);

export function contractMetrics(): ContractMetric[] {
  return (JSON.parse(readFileSync(contractFile, 'utf8')) as { ours: ContractMetric[] }).ours;
}

export function parseMetrics(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/** Series of a metric (a histogram's `_bucket` series stand for it). */
export function seriesOf(samples: Sample[], m: Pick<ContractMetric, 'name' | 'type'>): Sample[] {
  const name = m.type === 'histogram' ? `${m.name}_bucket` : m.name;
  return samples.filter((s) => s.name === name);
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Problems of one process's page against the contract. `dataLabels` are labels whose values only
 * exist once there is data (an organisation, a table): for those only the TYPE line is required.
 */
export function contractProblems(
  text: string,
  processName: string,
  o: { dataLabels?: string[] } = {},
): string[] {
  const { types, samples } = parseMetrics(text);
  const dataLabels = new Set(o.dataLabels ?? ['org', 'schema', 'table']);
  const problems: string[] = [];
  for (const m of contractMetrics().filter((x) => x.exportedBy.includes(processName))) {
    const type = types.get(m.name);
    if (!type) {
      problems.push(`${m.name}: not exported`);
      continue;
    }
    if (type !== m.type) problems.push(`${m.name}: type ${type}, contract says ${m.type}`);
    const series = seriesOf(samples, m);
    const needsSeries = !m.labels.some((l) => dataLabels.has(l)) && !m.name.startsWith('http_');
    if (needsSeries && series.length === 0) problems.push(`${m.name}: no series at start-up`);
    for (const s of series) {
      const keys = Object.keys(s.labels).filter((k) => k !== 'le');
      if (keys.sort().join() !== [...m.labels].sort().join()) {
        problems.push(`${m.name}: labels {${keys.join(',')}}, contract says {${m.labels.join(',')}}`);
        break;
      }
      for (const [k, v] of Object.entries(s.labels)) {
        if (k === 'route' && (UUID.test(v) || /\/\d+(\/|$)/.test(v)))
          problems.push(`${m.name}: raw path in route="${v}"`);
        if (['user', 'user_id', 'file', 'file_id', 'path', 'email'].includes(k))
          problems.push(`${m.name}: label ${k} carries user/file/path values`);
      }
    }
  }
  return problems;
}

export function sumOf(text: string, name: string, where: Record<string, string> = {}): number {
  return parseMetrics(text)
    .samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}
