/**
 * End-to-end alert check (issue 8 item 4): the distributed services and the gateway on this machine,
 * the real Prometheus scraping them every second with the repository's rules (a copy whose `for`
 * durations are 2 s), one service stopped, and ServiceDown firing through Prometheus's API; then
 * the real Alertmanager posting it, as deploy/alertmanager/alertmanager.yml's incident-recorder
 * receiver does, to the gateway's webhook, where identity records a P1 incident.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { parse } from 'yaml';
import { loadConfig } from '../../src/platform/config.ts';
import { SERVICES, type ServiceName } from '../../src/platform/service-names.ts';
import { type RunningGateway, startGateway } from '../../src/runtime/gateway.ts';
import { type RunningService, startServiceProcess } from '../../src/runtime/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort } from '../support/pg-cluster.ts';
import { testEnv } from '../support/test-app.ts';
import { listFiles, paths } from './support/ops.ts';
import {
  promQuery,
  type RunningPrometheus,
  startAlertmanager,
  startPrometheus,
  waitFor,
} from './support/prometheus-server.ts';

/** The rules with test-sized timings: every `for` 2 s, every group evaluated each second. */
function renderTestRules(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of listFiles(paths.rules, '.yml')) {
    out[file.split('/').at(-1)!] = readFileSync(file, 'utf8')
      .replace(/^(\s+)for: \S+$/gm, '$1for: 2s')
      .replace(/^(\s+)interval: \S+$/gm, '$1interval: 1s');
  }
  return out;
}

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function alerts(url: string): Promise<Alert[]> {
  const body = (await (await fetch(`${url}/api/v1/alerts`)).json()) as { data: { alerts: Alert[] } };
  return body.data.alerts;
}

describe('end-to-end alert check', () => {
  let db: TestDatabase;
  let dataDir: string;
  let prom: RunningPrometheus;
  let alertmanager: RunningPrometheus & { address: string };
  let gateway: RunningGateway;
  const services = new Map<ServiceName, RunningService>();
  const ports = new Map<string, number>();
  let tokenDir: string | undefined;

  before(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'auditor-e2e-'));
    for (const name of [...SERVICES, 'gateway']) ports.set(name, await freePort());
    const url = (s: string) => `http://127.0.0.1:${ports.get(s)}`;
    const env = {
      AUDITOR_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      AUDITOR_SERVICE_SECRET: 'e2e-service-secret',
      AUDITOR_IDENTITY_URL: url('identity'),
      AUDITOR_AUDIT_URL: url('audit'),
      AUDITOR_FILE_URL: url('file'),
      AUDITOR_EVENT_URL: url('event'),
      AUDITOR_VERIFICATION_URL: url('verification'),
      AUDITOR_INGEST_ENABLED: 'false',
      AUDITOR_ALERTMANAGER_TOKEN: 'e2e-alertmanager-token',
      LOG_LEVEL: 'silent' as const,
    };
    for (const s of SERVICES)
      services.set(
        s,
        await startServiceProcess({
          service: s,
          config: loadConfig(testEnv({ ...env, PORT: String(ports.get(s)) })),
        }),
      );
    gateway = await startGateway({
      config: loadConfig(testEnv({ ...env, PORT: String(ports.get('gateway')) })),
    });

    const job = (name: string) => ({
      job_name: name,
      honor_labels: true,
      scrape_interval: '1s',
      scrape_timeout: '900ms',
      static_configs: [
        {
          targets: [`127.0.0.1:${ports.get(name === 'gateway' ? 'gateway' : name.replace('-service', ''))}`],
          labels: { service: name },
        },
      ],
    });
    // The repository's incident-recorder receiver, pointed at this gateway, with test-sized timers.
    const repo = parse(readFileSync(paths.alertmanager, 'utf8')) as {
      receivers: { name: string; webhook_configs?: Record<string, unknown>[] }[];
    };
    const webhook = repo.receivers.find((r) => r.name === 'incident-recorder')!.webhook_configs![0]!;
    assert.match(String(webhook.url), /\/api\/v1\/ops\/alertmanager$/);
    const amDir = mkdtempSync(join(tmpdir(), 'auditor-am-token-'));
    tokenDir = amDir;
    writeFileSync(join(amDir, 'token'), 'e2e-alertmanager-token');
    alertmanager = await startAlertmanager({
      route: {
        receiver: 'incident-recorder',
        group_by: ['alertname', 'service'],
        group_wait: '1s',
        group_interval: '1s',
        repeat_interval: '1h',
      },
      receivers: [
        {
          name: 'incident-recorder',
          webhook_configs: [
            {
              ...webhook,
              url: `${url('gateway')}${new URL(String(webhook.url)).pathname}`,
              http_config: { authorization: { type: 'Bearer', credentials_file: join(amDir, 'token') } },
            },
          ],
        },
      ],
    });
    prom = await startPrometheus({
      scrapeConfigs: ['gateway', ...SERVICES.map((s) => `${s}-service`)].map(job),
      ruleFiles: renderTestRules(),
      alertmanagers: [alertmanager.address],
    });
  });

  after(async () => {
    await prom?.stop();
    await alertmanager?.stop();
    if (tokenDir) rmSync(tokenDir, { recursive: true, force: true });
    await gateway?.close();
    for (const s of services.values()) await s.close().catch(() => {});
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('Prometheus scrapes every process; once audit-service stops, ServiceDown fires and Alertmanager records it as a P1 incident through the gateway', async () => {
    await waitFor('every target up', async () => {
      const up = await promQuery(prom.url, 'up == 1');
      return up.length === 6 ? up : undefined;
    });
    // The database gauges of the rules are exported by the services.
    const lag = await waitFor('auditor_db_replica_lag_seconds', async () => {
      const r = await promQuery(prom.url, 'auditor_db_replica_lag_seconds{job="identity-service"}');
      return r.length > 0 ? r : undefined;
    });
    assert.equal(lag[0]!.value[1], '0');
    assert.ok(!(await alerts(prom.url)).some((a) => a.labels.alertname === 'ServiceDown'));

    const stoppedAt = Date.now();
    await services.get('audit')!.close();
    const firing = await waitFor(
      'ServiceDown firing',
      async () =>
        (await alerts(prom.url)).find((a) => a.labels.alertname === 'ServiceDown' && a.state === 'firing'),
      30_000,
    );
    const seconds = (Date.now() - stoppedAt) / 1000;
    assert.equal(firing.labels.job, 'audit-service');
    assert.equal(firing.labels.service, 'audit-service');
    assert.equal(firing.labels.severity, 'critical');
    assert.equal(firing.labels.priority, 'P1');
    assert.ok(seconds >= 2, `fired after ${seconds} s, before its 'for'`);
    // Only the stopped service is down.
    const down = (await alerts(prom.url)).filter((a) => a.labels.alertname === 'ServiceDown');
    assert.deepEqual(
      down.map((a) => a.labels.job),
      ['audit-service'],
    );

    // Alertmanager -> gateway -> identity: the alert is now a P1 incident.
    const incident = await waitFor('the incident recorded', async () => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const r = await c.query(
          "select alertname, level, state, service from ops.incidents where alertname = 'ServiceDown'",
        );
        return r.rows[0] as { alertname: string; level: string; state: string; service: string } | undefined;
      } finally {
        await c.end();
      }
    });
    assert.deepEqual(incident, {
      alertname: 'ServiceDown',
      level: 'P1',
      state: 'Detected',
      service: 'audit-service',
    });
  });
});
