/**
 * GET /api/v1/ops/overview: the three parts (ingestion from the event service, log and witness
 * from the verification service, SLOs) in one answer, equal to their own endpoints; a part whose
 * source does not answer is null and named, the others still come. Over HTTP between services in
 * distributed mode: test/distributed.
 *
 * GET /api/v1/ops/slo without Prometheus: the answer says the summary is not configured (the web
 * Operations page shows a hint, never numbers nobody measured); a configured Prometheus that does not
 * answer is a 503 PROMETHEUS_UNAVAILABLE. Audit admins only. The values from a real Prometheus are
 * checked in prometheus-commands.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createAuditor, createBoxActor, signIn } from '../support/identity.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('GET /api/v1/ops/slo', () => {
  let app: TestApp;
  let unreachable: TestApp;

  before(async () => {
    app = await startTestApp();
    unreachable = await startTestApp({
      env: { AUDITOR_PROMETHEUS_URL: `http://127.0.0.1:${await closedPort()}` },
    });
  });
  after(async () => {
    await app?.stop();
    await unreachable?.stop();
  });

  test('without AUDITOR_PROMETHEUS_URL: configured false, nothing else', async () => {
    const admin = await app.bootstrapAdmin('admin@slo.test');
    const res = await app.api.get('/api/v1/ops/slo', admin.token);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { configured: false });
  });

  test('a configured Prometheus that does not answer: 503 PROMETHEUS_UNAVAILABLE, in the caller’s language', async () => {
    const admin = await unreachable.bootstrapAdmin('admin@slo-down.test');
    const res = await unreachable.api.get('/api/v1/ops/slo', admin.token, { 'accept-language': 'ja' });
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error.code, 'PROMETHEUS_UNAVAILABLE');
    assert.match(res.json().error.message, /Prometheus から応答がない/);
  });

  test('audit admins only: general users and external auditors 403, anonymous 401', async () => {
    const admin = await app.bootstrapAdmin('admin2@slo.test');
    const signedIn = await signIn(app, 'admin2@slo.test');
    const gu = await createBoxActor(app, {
      orgId: admin.orgId,
      email: 'gu@slo.test',
      roles: ['GENERAL_USER'],
    });
    await createAuditor(app, signedIn.token, 'ea@slo.test');
    const ea = await signIn(app, 'ea@slo.test');
    for (const path of ['/api/v1/ops/slo', '/api/v1/ops/overview']) {
      for (const who of [gu, ea]) {
        const res = await app.api.get(path, who.token);
        assert.equal(res.statusCode, 403, res.body);
        assert.equal(res.json().error.code, 'FORBIDDEN');
      }
      assert.equal((await app.api.get(path)).statusCode, 401);
    }
  });

  test('the overview holds what the ingestion, ledger and SLO endpoints answer', async () => {
    const admin = await app.bootstrapAdmin('admin@overview.test');
    const get = async (path: string) => {
      const res = await app.api.get(path, admin.token);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const overview = await get('/api/v1/ops/overview');
    const events = await get('/api/v1/events/ingest-status');
    const ledger = await get('/api/v1/ledger/status');
    assert.deepEqual(overview.unavailable, []);
    assert.deepEqual(overview.events.eventsPerDay, events.eventsPerDay);
    assert.equal(overview.events.ingestion.eventsStored, events.ingestion.eventsStored);
    assert.equal(overview.ledger.origin, ledger.origin);
    assert.equal(overview.ledger.treeSize, ledger.treeSize);
    assert.deepEqual(overview.slo, { configured: false });
  });

  test('Prometheus not answering: the SLO part is null and named; ingestion and ledger still come', async () => {
    const admin = await unreachable.bootstrapAdmin('admin@overview-down.test');
    const res = await unreachable.api.get('/api/v1/ops/overview', admin.token);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.unavailable, ['slo']);
    assert.equal(body.slo, null);
    assert.equal(body.events.eventsPerDay.days.length, 14);
    assert.equal(typeof body.ledger.origin, 'string');
  });
});
