/**
 * PostgreSQL going away and coming back (quality.md §3): while the database is stopped, readiness is
 * false and requests fail fast with 503 DATABASE_UNAVAILABLE (liveness stays true); once it is back,
 * readiness and requests recover without restarting the process. The test owns a second throwaway
 * cluster so that stopping it disturbs nobody else.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signIn } from '../support/identity.ts';
import { type PgCluster, psql, startPgCluster } from '../support/pg-cluster.ts';
import { startCluster, stopCluster } from '../support/pg-control.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

describe('a database outage', () => {
  let cluster: PgCluster;
  let app: TestApp;
  let token: string;

  before(async () => {
    cluster = await startPgCluster();
    psql(cluster, 'postgres', 'CREATE DATABASE auditor');
    app = await startTestApp({
      env: { DATABASE_URL: cluster.url('auditor'), AUDITOR_DB_CONNECT_TIMEOUT: '1s' },
    });
    await app.bootstrapAdmin('admin@outage.test');
    token = (await signIn(app, 'admin@outage.test')).token;
  });
  after(async () => {
    await app?.stop();
    cluster?.stop();
  });

  const ready = () => app.api.get('/health/ready');

  /** Polls readiness until it reports `status` (the pool reconnects on the next request). */
  async function readinessBecomes(status: 'ready' | 'not_ready', timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await ready();
      if (res.json().status === status) return res;
      if (Date.now() > deadline) assert.fail(`readiness stayed ${res.body}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('with the database up, the process is ready: database reachable, migrations current', async () => {
    const res = await ready();
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().checks.database, 'ok');
    assert.equal(res.json().checks.migrations, 'ok');
  });

  test('with the database stopped, readiness is false and requests fail fast with 503 DATABASE_UNAVAILABLE', async () => {
    stopCluster(cluster);
    const res = await readinessBecomes('not_ready');
    assert.equal(res.statusCode, 503);
    assert.notEqual(res.json().checks.database, 'ok');
    assert.equal((await app.api.get('/health/live')).statusCode, 200, 'the process itself is alive');

    const started = Date.now();
    const me = await app.api.get('/api/v1/me', token, { 'accept-language': 'ja' });
    const elapsed = Date.now() - started;
    console.log(`# a request during the outage was answered in ${elapsed} ms`);
    assert.equal(me.statusCode, 503, me.body);
    assert.equal(me.json().error.code, 'DATABASE_UNAVAILABLE');
    assert.equal(me.json().error.message, 'データベースは一時的に利用できません。');
    assert.ok(Number(me.headers['retry-after']) > 0);
    const login = await app.api.post('/api/v1/auth/login', {
      email: 'admin@outage.test',
      password: TEST_PASSWORD,
    });
    assert.equal(login.statusCode, 503);
    assert.equal(login.json().error.code, 'DATABASE_UNAVAILABLE');
    assert.ok(!app.logs.some((l) => l.includes('"status":500')), 'no request answered 500');
  });

  test('once the database is back, readiness and requests recover without a restart', async () => {
    startCluster(cluster);
    const res = await readinessBecomes('ready');
    assert.equal(res.statusCode, 200);
    assert.equal((await app.api.get('/api/v1/me', token)).statusCode, 200);
    const login = await app.api.post('/api/v1/auth/login', {
      email: 'admin@outage.test',
      password: TEST_PASSWORD,
    });
    assert.equal(login.statusCode, 200, 'writes work again too');
  });
});
