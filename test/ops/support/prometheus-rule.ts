/**
 * The PrometheusRule (Prometheus Operator) is generated from deploy/prometheus/rules/*.yml so the
 * rules running on Kubernetes are exactly the ones promtool tests. Regenerate after editing a rule:
 *
 *   node --import tsx test/ops/support/prometheus-rule.ts --write
 *
 * test/ops/kubernetes.test.ts fails when the committed file and the rules differ.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export const repoRoot = new URL('../../../', import.meta.url).pathname;
export const rulesDir = join(repoRoot, 'deploy/prometheus/rules');
export const prometheusRulePath = join(repoRoot, 'deploy/prometheus/prometheusrule.yaml');

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Record<string, unknown>[];
}

/** Rule files in name order, each parsed. */
export function loadRuleGroups(): RuleGroup[] {
  const files = readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  return files.flatMap(
    (f) => (parse(readFileSync(join(rulesDir, f), 'utf8')) as { groups: RuleGroup[] }).groups,
  );
}

export function renderPrometheusRule(): string {
  const doc = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'auditor-for-box',
      labels: { release: 'kube-prometheus-stack', role: 'alert-rules' },
    },
    spec: { groups: loadRuleGroups() },
  };
  const header = [
    '# GENERATED from deploy/prometheus/rules/*.yml - do not edit by hand. Regenerate with:',
    '#   node --import tsx test/ops/support/prometheus-rule.ts --write',
    '# Label `release` must match your Prometheus ruleSelector (kube-prometheus-stack: the release name).',
  ].join('\n');
  return `${header}\n${stringify(doc, { lineWidth: 0 })}`;
}

if (process.argv[1] === new URL(import.meta.url).pathname && process.argv.includes('--write')) {
  writeFileSync(prometheusRulePath, renderPrometheusRule());
  console.log(`wrote ${prometheusRulePath}`);
}
