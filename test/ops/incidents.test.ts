import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { migrationSetsFor } from '../../src/migration-sets.ts';
import { deadlinesFor, levelOf, nextBusinessDayAt } from '../../src/services/ops/incident-policy.ts';
import { incidentReport } from '../../src/services/ops/incident-report.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { jsonOf, runCli } from './support/cli.ts';

const TOKEN = 'alertmanager-test-token-0123456789';

function alert(o: {
  name: string;
  priority?: string;
  severity: string;
  fingerprint: string;
  startsAt: string;
  endsAt?: string;
  status: 'firing' | 'resolved';
}) {
  return {
    status: o.status,
    labels: {
      alertname: o.name,
      severity: o.severity,
      service: 'identity-service',
      ...(o.priority ? { priority: o.priority } : {}),
    },
    annotations: { summary: `${o.name} summary`, runbook_url: `https://example.test/${o.name}.md` },
    startsAt: o.startsAt,
    endsAt: o.endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus/graph',
    fingerprint: o.fingerprint,
  };
}

const webhook = (status: 'firing' | 'resolved', alerts: ReturnType<typeof alert>[]) => ({
  version: '4',
  groupKey: '{}:{alertname="x"}',
  truncatedAlerts: 0,
  status,
  receiver: 'incident-recorder',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts,
});

describe('incident records from Alertmanager', () => {
  let app: TestApp;
  let admin: string;
  const post = (body: unknown, token = TOKEN) =>
    app.api.request('POST', '/api/v1/ops/alertmanager', {
      body,
      headers: { authorization: `Bearer ${token}` },
    });

  const down = {
    name: 'ServiceDown',
    priority: 'P1',
    severity: 'critical',
    fingerprint: 'aaaa000000000001',
    startsAt: '2026-03-10T01:00:00Z',
  };
  const slow = {
    name: 'HighLatency',
    priority: 'P3',
    severity: 'warning',
    fingerprint: 'bbbb000000000002',
    startsAt: '2026-03-10T01:05:00Z',
  };

  before(async () => {
    app = await startTestApp({ env: { AUDITOR_ALERTMANAGER_TOKEN: TOKEN } });
    admin = (await app.bootstrapAdmin('admin@incidents.test')).token;
  });
  after(() => app.stop());

  test('the webhook refuses calls without the bearer token', async () => {
    assert.equal(
      (await post(webhook('firing', [alert({ ...down, status: 'firing' })]), 'wrong-token')).statusCode,
      401,
    );
    const none = await app.api.post(
      '/api/v1/ops/alertmanager',
      webhook('firing', [alert({ ...down, status: 'firing' })]),
    );
    assert.equal(none.statusCode, 401);
    assert.equal((await app.api.get('/api/v1/ops/incidents', admin)).json().items.length, 0);
  });

  test('firing alerts become Detected incidents with the P level of their priority label and its deadlines', async () => {
    const res = await post(
      webhook('firing', [alert({ ...down, status: 'firing' }), alert({ ...slow, status: 'firing' })]),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { recorded: 2, created: 2 });
    // Alertmanager repeats a firing group: still two incidents.
    assert.deepEqual((await post(webhook('firing', [alert({ ...down, status: 'firing' })]))).json(), {
      recorded: 1,
      created: 0,
    });
    const items = (await app.api.get('/api/v1/ops/incidents?month=2026-03', admin)).json().items;
    assert.equal(items.length, 2);
    const p1 = items.find((i: { alertname: string }) => i.alertname === 'ServiceDown');
    assert.equal(p1.level, 'P1');
    assert.equal(p1.state, 'Detected');
    assert.equal(p1.responseDueAt, '2026-03-10T01:15:00.000Z');
    assert.equal(p1.escalateAt, '2026-03-10T01:00:00.000Z');
    assert.deepEqual(p1.nextStates, ['Triaged']);
    const p3 = items.find((i: { alertname: string }) => i.alertname === 'HighLatency');
    assert.equal(p3.level, 'P3');
    assert.equal(p3.responseDueAt, '2026-03-10T05:05:00.000Z');
  });

  test('a resolved notification resolves the incident with its end time; MTTR counts from detection', async () => {
    const res = await post(
      webhook('resolved', [alert({ ...down, status: 'resolved', endsAt: '2026-03-10T01:20:00Z' })]),
    );
    assert.equal(res.statusCode, 200);
    const items = (await app.api.get('/api/v1/ops/incidents?state=Resolved', admin)).json().items;
    assert.equal(items.length, 1);
    assert.equal(items[0].alertname, 'ServiceDown');
    assert.equal(items[0].resolvedAt, '2026-03-10T01:20:00.000Z');
    assert.equal(items[0].minutesToResolve, 20);
    const detail = (await app.api.get(`/api/v1/ops/incidents/${items[0].id}`, admin)).json();
    assert.deepEqual(
      detail.history.map((h: { fromState: string | null; toState: string; actor: string }) => [
        h.fromState,
        h.toState,
        h.actor,
      ]),
      [
        [null, 'Detected', 'alertmanager'],
        ['Detected', 'Resolved', 'alertmanager'],
      ],
    );
  });

  test("audit admins move an incident through the plan's states, and a skipped step is refused", async () => {
    const p3 = (await app.api.get('/api/v1/ops/incidents', admin))
      .json()
      .items.find((i: { alertname: string }) => i.alertname === 'HighLatency');
    const move = (state: string) =>
      app.api.patch(`/api/v1/ops/incidents/${p3.id}`, { state, note: `to ${state}` }, admin);
    const triaged = await move('Triaged');
    assert.equal(triaged.statusCode, 200, triaged.body);
    assert.ok(triaged.json().acknowledgedAt);
    const skip = await move('Resolved');
    assert.equal(skip.statusCode, 409);
    assert.equal(skip.json().error.code, 'INCIDENT_TRANSITION_INVALID');
    assert.deepEqual(skip.json().error.details.allowed, ['Investigating']);
    for (const state of ['Investigating', 'Escalated', 'Identified', 'Mitigating', 'Resolved', 'PostMortem'])
      assert.equal((await move(state)).statusCode, 200, state);
    const detail = (await app.api.get(`/api/v1/ops/incidents/${p3.id}`, admin)).json();
    assert.equal(detail.state, 'PostMortem');
    assert.ok(detail.resolvedAt);
    assert.equal(detail.history.length, 8);
    assert.match(detail.history[1].actor, /^user:/);
  });

  test('only audit admins see incidents', async () => {
    assert.equal((await app.api.get('/api/v1/ops/incidents')).statusCode, 401);
    const created = await app.api.post(
      '/api/v1/users',
      { email: 'ext@firm.test', name: 'Ext', auditorFirm: 'Firm', password: 'a long enough password 1' },
      admin,
    );
    assert.equal(created.statusCode, 201);
    const ext = (
      await app.api.post('/api/v1/auth/login', {
        email: 'ext@firm.test',
        password: 'a long enough password 1',
      })
    ).json().accessToken;
    assert.equal((await app.api.get('/api/v1/ops/incidents', ext)).statusCode, 403);
  });

  test('auditor ops incidents reports the month per level with MTTR against the 30-minute target', async () => {
    const res = await runCli(['ops', 'incidents', '--month', '2026-03', '--json'], {
      DATABASE_URL: app.database!.url,
      AUDITOR_DATA_DIR: app.config.AUDITOR_DATA_DIR,
    });
    assert.equal(res.code, 0, res.stderr);
    const [march] = jsonOf<ReturnType<typeof incidentReport>>(res);
    assert.equal(march!.month, '2026-03');
    assert.equal(march!.count, 2);
    assert.deepEqual(march!.byLevel, { P1: 1, P2: 0, P3: 1, P4: 0 });
    assert.equal(march!.resolved, 2);
    assert.equal(march!.mttrByLevel.P1, 20);
    assert.equal(march!.targetMinutes, 30);
    // The P3 was resolved by hand just now, long after its March detection: the month misses the target.
    assert.equal(march!.withinTarget, false);
    assert.ok(march!.mttrMinutes! > 30);
  });
});

describe('incident policy and MTTR arithmetic', () => {
  test("the ops schema is migrated with identity's process but reverted only on its own", () => {
    assert.deepEqual(
      migrationSetsFor(['identity'], { withHosted: true }).map((s) => s.schema),
      ['identity', 'ops'],
    );
    assert.deepEqual(
      migrationSetsFor(['identity']).map((s) => s.schema),
      ['identity'],
    );
    assert.deepEqual(
      migrationSetsFor(['ops']).map((s) => s.schema),
      ['ops'],
    );
  });

  test('levels come from the priority label, else from severity', () => {
    assert.equal(levelOf({ priority: 'P2', severity: 'warning' }), 'P2');
    assert.equal(levelOf({ severity: 'critical' }), 'P2');
    assert.equal(levelOf({ severity: 'warning' }), 'P3');
    assert.equal(levelOf({}), 'P4');
  });

  test('P3 escalates and P4 is due on the next business day in Japan time', () => {
    // Friday 2026-03-06 20:00 JST -> Monday 2026-03-09.
    const friday = new Date('2026-03-06T11:00:00Z');
    assert.equal(nextBusinessDayAt(friday, 9).toISOString(), '2026-03-09T00:00:00.000Z');
    assert.equal(deadlinesFor('P4', friday).responseDueAt.toISOString(), '2026-03-09T09:00:00.000Z');
    assert.equal(deadlinesFor('P4', friday).escalateAt, null);
    assert.equal(deadlinesFor('P3', friday).escalateAt?.toISOString(), '2026-03-09T00:00:00.000Z');
    assert.equal(deadlinesFor('P2', friday).escalateAt?.toISOString(), '2026-03-06T12:00:00.000Z');
  });

  test('MTTR is the mean detection-to-resolution time of resolved incidents; open ones past their deadline count as late', () => {
    const t = (s: string) => new Date(s);
    const months = incidentReport(
      [
        {
          level: 'P1',
          detectedAt: t('2026-04-01T00:00:00Z'),
          resolvedAt: t('2026-04-01T00:10:00Z'),
          acknowledgedAt: t('2026-04-01T00:05:00Z'),
          responseDueAt: t('2026-04-01T00:15:00Z'),
        },
        {
          level: 'P2',
          detectedAt: t('2026-04-02T00:00:00Z'),
          resolvedAt: t('2026-04-02T00:40:00Z'),
          acknowledgedAt: t('2026-04-02T00:31:00Z'),
          responseDueAt: t('2026-04-02T00:30:00Z'),
        },
        {
          level: 'P4',
          detectedAt: t('2026-04-03T00:00:00Z'),
          resolvedAt: null,
          acknowledgedAt: null,
          responseDueAt: t('2026-04-04T09:00:00Z'),
        },
        {
          level: 'P1',
          detectedAt: t('2026-05-01T00:00:00Z'),
          resolvedAt: t('2026-05-01T00:31:00Z'),
          acknowledgedAt: null,
          responseDueAt: t('2026-05-01T00:15:00Z'),
        },
      ],
      t('2026-06-01T00:00:00Z'),
    );
    assert.deepEqual(
      months.map((m) => [
        m.month,
        m.count,
        m.resolved,
        m.mttrMinutes,
        m.withinTarget,
        m.responseDeadlinesMissed,
      ]),
      [
        ['2026-04', 3, 2, 25, true, 2],
        ['2026-05', 1, 1, 31, false, 0],
      ],
    );
  });
});
