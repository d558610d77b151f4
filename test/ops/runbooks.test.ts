/**
 * docs/runbooks: a runbook for every alert (its runbook_url resolves), the plan's structure in each,
 * and no orphan runbook.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { alertNames, alertRules, listFiles, paths, RUNBOOK_BASE, readText } from './support/ops.ts';

const SECURITY_INCIDENTS = ['TamperDetected', 'WitnessInconsistent'];
const PROCEDURES = ['node-maintenance.md', 'kubernetes-upgrade.md', 'monthly-patching.md', 'region-loss.md'];

function headings(markdown: string): string[] {
  return [...markdown.matchAll(/^## (.+)$/gm)].map((m) => (m[1] as string).trim());
}

test("every alert's runbook_url resolves to a runbook in docs/runbooks", () => {
  const missing: string[] = [];
  for (const rule of alertRules()) {
    const url = rule.annotations.runbook_url ?? '';
    assert.ok(url.startsWith(RUNBOOK_BASE), `${rule.alert}: ${url}`);
    const file = join(paths.runbooks, url.slice(RUNBOOK_BASE.length));
    if (!existsSync(file)) missing.push(`${rule.alert}: ${file}`);
  }
  assert.deepEqual(missing, []);
});

test('every runbook is linked by an alert or by the runbook index', () => {
  const linkedByAlerts = new Set(
    alertRules().map((r) => (r.annotations.runbook_url ?? '').slice(RUNBOOK_BASE.length)),
  );
  const index = readText(join(paths.runbooks, 'README.md'));
  const linkedByIndex = new Set([...index.matchAll(/\]\(([\w.-]+\.md)\)/g)].map((m) => m[1] as string));
  const orphans = listFiles(paths.runbooks, '.md')
    .map((f) => basename(f))
    .filter((f) => f !== 'README.md' && !linkedByAlerts.has(f) && !linkedByIndex.has(f));
  assert.deepEqual(orphans, []);
  for (const link of linkedByIndex)
    assert.ok(existsSync(join(paths.runbooks, link)), `README links to missing ${link}`);
  for (const name of alertNames()) assert.ok(linkedByIndex.has(`${name}.md`), `README does not list ${name}`);
});

test("alert runbooks follow the plan's steps: meaning, impact, checks, mitigation, rollback", () => {
  for (const name of alertNames().filter((n) => !SECURITY_INCIDENTS.includes(n))) {
    const md = readText(join(paths.runbooks, `${name}.md`));
    const h = headings(md);
    for (const section of ['Meaning', 'Impact', 'Checks', 'Mitigation', 'Rollback', 'Escalation']) {
      assert.ok(h.includes(section), `${name}.md: no "## ${section}"`);
    }
    assert.ok(md.startsWith(`# ${name}\n`), `${name}.md: title`);
  }
});

test('service runbooks walk through pods, logs, events, restart and rollback (plan §4.3)', () => {
  for (const name of [
    'ServiceDown',
    'HighLatency',
    'OutboxBacklog',
    'EventIngestLagHigh',
    'IdentityAvailabilityErrorBudgetBurn',
  ]) {
    const md = readText(join(paths.runbooks, `${name}.md`));
    for (const step of ['kubectl get pods', 'kubectl logs', 'kubectl get events', 'restart', 'undo']) {
      assert.ok(md.includes(step), `${name}.md lacks ${step}`);
    }
  }
  for (const name of ['DatabaseClusterUnhealthy', 'TransactionErrorRateHigh', 'PostgresReplicaLagHigh']) {
    const md = readText(join(paths.runbooks, `${name}.md`));
    assert.ok(md.includes('pg_stat_replication'), `${name}.md: replication check`);
  }
  const failover = readText(join(paths.runbooks, 'DatabaseClusterUnhealthy.md'));
  assert.ok(failover.includes('cnpg promote') && failover.includes('patronictl'), 'failover steps');
});

test("TamperDetected and WitnessInconsistent follow the plan's security incident flow (§9.2)", () => {
  for (const name of SECURITY_INCIDENTS) {
    const h = headings(readText(join(paths.runbooks, `${name}.md`)));
    const flow = ['Isolate', 'Forensics', 'Root cause', 'Remediation', 'Report'];
    const positions = flow.map((s) => h.indexOf(s));
    assert.ok(
      positions.every((p) => p >= 0),
      `${name}.md: ${flow.join(', ')} (found ${h.join(', ')})`,
    );
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
      `${name}.md: the flow in order`,
    );
    assert.ok(h.includes('Meaning') && h.includes('Impact'));
  }
});

test('the procedures cover node maintenance, Kubernetes upgrades, patching and region loss', () => {
  for (const f of PROCEDURES) assert.ok(existsSync(join(paths.runbooks, f)), f);
  const node = readText(join(paths.runbooks, 'node-maintenance.md'));
  assert.ok(node.includes('kubectl drain <node-name> --ignore-daemonsets --delete-emptydir-data'));
  assert.ok(node.includes('kubectl uncordon <node-name>'));
  const region = readText(join(paths.runbooks, 'region-loss.md'));
  for (const step of [
    'route53 change-resource-record-sets',
    'replica":{"enabled":false}',
    'DATABASE_URL',
    'auditor verify log',
  ]) {
    assert.ok(region.includes(step), `region-loss.md lacks ${step}`);
  }
  const h = headings(region);
  const order = [
    '2. Promote the standby database',
    '3. Point the services at the new primary',
    '4. Switch DNS',
    '5. Verify (動作確認)',
  ];
  const positions = order.map((s) => h.indexOf(s));
  assert.ok(
    positions.every((p) => p >= 0),
    h.join(' | '),
  );
  assert.deepEqual(
    [...positions].sort((a, b) => a - b),
    positions,
  );
});
