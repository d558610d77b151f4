/**
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
    for (const who of [gu, ea]) {
      const res = await app.api.get('/api/v1/ops/slo', who.token);
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.code, 'FORBIDDEN');
    }
    assert.equal((await app.api.get('/api/v1/ops/slo')).statusCode, 401);
  });
});
