/**
 * deploy/alertmanager/alertmanager.yml: valid for amtool, routes each kind of alert to the plan's
 * receivers (§3.1, §1.2, §4.1), inhibits as intended, and keeps every credential in a file.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertNames, alertRules, paths, readText, readYaml, run } from './support/ops.ts';

interface InhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal?: string[];
}

interface AlertmanagerConfig {
  global: Record<string, unknown>;
  route: {
    receiver: string;
    group_by: string[];
    routes: { receiver: string; matchers?: string[]; continue?: boolean }[];
  };
  inhibit_rules: InhibitRule[];
  receivers: Record<string, unknown>[] & { name: string }[];
}

const config = () => readYaml<AlertmanagerConfig>(paths.alertmanager);

/** `amtool config routes test`: the receivers an alert with these labels reaches, in order. */
function routeOf(labels: Record<string, string>, expected: string[]) {
  const args = [
    'config',
    'routes',
    'test',
    `--config.file=${paths.alertmanager}`,
    `--verify.receivers=${expected.join(',')}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ];
  return run('amtool', args);
}

test('amtool check-config accepts the Alertmanager configuration', () => {
  const res = run('amtool', ['check-config', paths.alertmanager]);
  assert.equal(res.status, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /SUCCESS/);
});

test('a P1 alert pages the primary on-call and is recorded as an incident', () => {
  const res = routeOf(
    { alertname: 'ServiceDown', severity: 'critical', priority: 'P1', service: 'identity-service' },
    ['incident-recorder', 'pagerduty-primary-oncall'],
  );
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

test('a critical alert below P1 goes to PagerDuty and Slack', () => {
  const res = routeOf(
    { alertname: 'TransactionErrorRateHigh', severity: 'critical', priority: 'P2', service: 'audit-service' },
    ['incident-recorder', 'pagerduty-critical'],
  );
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

test('a warning goes to Slack and email, never to PagerDuty', () => {
  const res = routeOf(
    { alertname: 'HighLatency', severity: 'warning', priority: 'P3', service: 'file-service' },
    ['incident-recorder', 'slack-email-warning'],
  );
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

test('every alert of the rules reaches the receivers its priority and severity call for', () => {
  const failures: string[] = [];
  for (const rule of alertRules()) {
    const { severity, priority } = rule.labels as { severity: string; priority: string };
    const second =
      priority === 'P1'
        ? 'pagerduty-primary-oncall'
        : severity === 'critical'
          ? 'pagerduty-critical'
          : 'slack-email-warning';
    const res = routeOf({ alertname: rule.alert, severity, priority, service: 'identity-service' }, [
      'incident-recorder',
      second,
    ]);
    if (res.status !== 0) failures.push(`${rule.alert} (${severity}, ${priority}): ${res.stdout.trim()}`);
  }
  assert.deepEqual(failures, []);
});

test('routing tests fail when the expected receiver is wrong', () => {
  // The verification itself must be able to fail, or the tests above prove nothing.
  const res = routeOf({ alertname: 'HighLatency', severity: 'warning', priority: 'P3' }, [
    'incident-recorder',
    'pagerduty-critical',
  ]);
  assert.notEqual(res.status, 0);
});

test('an alert without severity still reaches Slack', () => {
  const res = routeOf({ alertname: 'Watchdog' }, ['incident-recorder', 'slack-default']);
  assert.equal(res.status, 0, res.stdout + res.stderr);
});

test('the receivers send P1 and critical to PagerDuty with Slack, warnings to Slack with email', () => {
  const receivers = new Map(config().receivers.map((r) => [r.name, r]));
  const kinds = (name: string) =>
    Object.keys(receivers.get(name) ?? {})
      .filter((k) => k.endsWith('_configs'))
      .sort();
  assert.deepEqual(kinds('pagerduty-primary-oncall'), ['pagerduty_configs', 'slack_configs']);
  assert.deepEqual(kinds('pagerduty-critical'), ['pagerduty_configs', 'slack_configs']);
  assert.deepEqual(kinds('slack-email-warning'), ['email_configs', 'slack_configs']);
  assert.deepEqual(kinds('incident-recorder'), ['webhook_configs']);
});

test('every credential is read from a file, none is inline', () => {
  const text = readText(paths.alertmanager);
  const inline = [
    /^\s*(slack_api_url|smtp_auth_password|api_url|routing_key|service_key|auth_password|credentials|password|bearer_token):/m,
    /hooks\.slack\.com/,
    /-----BEGIN/,
  ];
  for (const pattern of inline) assert.doesNotMatch(text, pattern);
  const cfg = config();
  assert.equal(typeof cfg.global.slack_api_url_file, 'string');
  assert.equal(typeof cfg.global.smtp_auth_password_file, 'string');
  for (const r of cfg.receivers as Record<string, unknown>[]) {
    for (const pd of (r.pagerduty_configs ?? []) as Record<string, unknown>[])
      assert.equal(typeof pd.routing_key_file, 'string');
  }
});

// ---- inhibition, evaluated the way Alertmanager does: source matches, target matches, equal labels

function matcherMatches(matcher: string, labels: Record<string, string>): boolean {
  const m = /^\s*([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$/.exec(matcher);
  if (!m) throw new Error(`cannot read matcher ${matcher}`);
  const [, name, op, value] = m as unknown as [string, string, string, string];
  const actual = labels[name] ?? '';
  const re = new RegExp(`^(?:${value})$`);
  if (op === '=') return actual === value;
  if (op === '!=') return actual !== value;
  if (op === '=~') return re.test(actual);
  return !re.test(actual);
}

function inhibits(source: Record<string, string>, target: Record<string, string>): boolean {
  return config().inhibit_rules.some(
    (rule) =>
      rule.source_matchers.every((m) => matcherMatches(m, source)) &&
      rule.target_matchers.every((m) => matcherMatches(m, target)) &&
      (rule.equal ?? []).every((l) => (source[l] ?? '') === (target[l] ?? '')),
  );
}

test("ServiceDown silences that service's latency alerts, and only that service's", () => {
  const down = {
    alertname: 'ServiceDown',
    severity: 'critical',
    priority: 'P1',
    job: 'verification-service',
    service: 'verification-service',
  };
  assert.ok(
    inhibits(down, { alertname: 'HighLatency', severity: 'warning', service: 'verification-service' }),
  );
  assert.ok(
    inhibits(down, {
      alertname: 'VerificationLatencyErrorBudgetBurn',
      severity: 'critical',
      slo: 'verification-latency',
      service: 'verification-service',
    }),
  );
  assert.ok(!inhibits(down, { alertname: 'HighLatency', severity: 'warning', service: 'audit-service' }));
  assert.ok(
    !inhibits(down, { alertname: 'TamperDetected', severity: 'critical', service: 'verification-service' }),
  );
});

test('a critical alert silences the warning of the same alert and service, not of another', () => {
  const page = {
    alertname: 'IdentityAvailabilityErrorBudgetBurn',
    severity: 'critical',
    slo: 'identity-availability',
    service: 'identity-service',
  };
  assert.ok(inhibits(page, { ...page, severity: 'warning' }));
  assert.ok(
    !inhibits(page, {
      ...page,
      alertname: 'AuditAvailabilityErrorBudgetBurn',
      severity: 'warning',
      slo: 'audit-availability',
      service: 'audit-service',
    }),
  );
  assert.ok(!inhibits({ ...page, severity: 'warning' }, page), 'a warning never silences a critical alert');
});

test('inhibition rules and routes name only alerts that exist', () => {
  const names = new Set(alertNames());
  const mentioned = new Set<string>();
  const cfg = config();
  for (const rule of cfg.inhibit_rules) {
    for (const m of [...rule.source_matchers, ...rule.target_matchers]) {
      const match = /^alertname=~?"(.*)"$/.exec(m.trim());
      if (match) for (const n of (match[1] as string).split('|')) mentioned.add(n);
    }
  }
  assert.ok(mentioned.size > 0);
  for (const n of mentioned) assert.ok(names.has(n), `inhibition names unknown alert ${n}`);
  // ServiceDown must carry `service`, or `equal: [service]` never holds.
  assert.match(alertRules().find((r) => r.alert === 'ServiceDown')?.expr ?? '', /by \(job, service\)/);
});

test('alerts are grouped by alert name and service', () => {
  const cfg = config();
  assert.ok(cfg.route.group_by.includes('alertname'));
  assert.ok(cfg.route.group_by.includes('service'));
});
