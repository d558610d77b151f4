import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/platform/config.ts';
import { type RunningAllInOne, startAllInOne } from '../../src/runtime/all-in-one.ts';
import { type RunningService, startServiceProcess } from '../../src/runtime/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestApp, TEST_PASSWORD, type TestApp, testEnv } from '../support/test-app.ts';
import { runCli } from './support/cli.ts';

/** GET a JSON body from a running process. */
async function getJson(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  return (await (await fetch(url, init)).json()) as Record<string, unknown>;
}

const newUser = (i: number) => ({
  email: `m${i}@firm.test`,
  name: `M ${i}`,
  auditorFirm: 'Firm',
  password: 'a long enough password 1',
});

describe('maintenance mode', () => {
  let app: TestApp;
  let token: string;
  before(async () => {
    app = await startTestApp();
    token = (await app.bootstrapAdmin('admin@maintenance.test')).token;
  });
  after(() => app.stop());

  const setSwitch = (enabled: boolean, secret = app.platform.serviceSecret) =>
    app.api.request('POST', '/internal/ops/maintenance', {
      body: { enabled },
      headers: { authorization: `Service ${secret}` },
    });

  test('writes answer 503 with Retry-After while reads, sign-in and the status endpoint keep working', async () => {
    assert.equal((await app.api.get('/api/v1/ops/status')).json().maintenance, false);
    assert.equal((await setSwitch(true)).json().enabled, true);

    const write = await app.api.post('/api/v1/users', newUser(1), token);
    assert.equal(write.statusCode, 503);
    assert.equal(write.headers['retry-after'], '300');
    assert.equal(write.json().error.code, 'MAINTENANCE_MODE');

    assert.equal((await app.api.get('/api/v1/users', token)).statusCode, 200);
    const login = await app.api.post('/api/v1/auth/login', {
      email: 'admin@maintenance.test',
      password: TEST_PASSWORD,
    });
    assert.equal(login.statusCode, 200);
    const status = (await app.api.get('/api/v1/ops/status')).json();
    assert.equal(status.maintenance, true);
    assert.equal(status.retryAfterSeconds, 300);
    assert.match(status.nextWindow.start, /T17:00:00\.000Z$/);

    assert.equal((await setSwitch(false)).json().enabled, false);
    assert.equal((await app.api.post('/api/v1/users', newUser(2), token)).statusCode, 201);
  });

  test('the internal switch refuses callers without the service secret', async () => {
    assert.equal((await setSwitch(true, 'not-the-secret')).statusCode, 401);
    assert.equal(
      (await app.api.request('POST', '/internal/ops/maintenance', { body: { enabled: true } })).statusCode,
      401,
    );
    assert.equal((await app.api.get('/api/v1/ops/status')).json().maintenance, false);
  });
});

describe('auditor ops maintenance', () => {
  test('switches an all-in-one server on the embedded database through its admin socket', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auditor-maint-'));
    let server: RunningAllInOne | undefined;
    try {
      const config = loadConfig(testEnv({ AUDITOR_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
      server = await startAllInOne({ config, startBackground: false });
      const on = await runCli(['ops', 'maintenance', 'on'], { AUDITOR_DATA_DIR: dataDir, DATABASE_URL: '' });
      assert.equal(on.code, 0, on.stderr);
      assert.match(on.stdout, /maintenance mode on \(all-in-one server\)/);
      assert.equal((await getJson(`${server.url}/api/v1/ops/status`)).maintenance, true);
      const status = await runCli(['ops', 'maintenance', 'status'], {
        AUDITOR_DATA_DIR: dataDir,
        DATABASE_URL: '',
      });
      assert.match(status.stdout, /maintenance mode on/);
      const off = await runCli(['ops', 'maintenance', 'off'], {
        AUDITOR_DATA_DIR: dataDir,
        DATABASE_URL: '',
      });
      assert.equal(off.code, 0, off.stderr);
      assert.equal((await getJson(`${server.url}/api/v1/ops/status`)).maintenance, false);
    } finally {
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('switches distributed service processes over their internal route, and AUDITOR_MAINTENANCE_MODE starts one switched on', async () => {
    const db: TestDatabase = await createTestDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'auditor-maint-'));
    const secret = 'maintenance-test-service-secret';
    let identity: RunningService | undefined;
    let audit: RunningService | undefined;
    try {
      const base = {
        AUDITOR_DATA_DIR: dataDir,
        DATABASE_URL: db.url,
        AUDITOR_SERVICE_SECRET: secret,
        LOG_LEVEL: 'silent' as const,
      };
      identity = await startServiceProcess({ service: 'identity', config: loadConfig(testEnv(base)) });
      audit = await startServiceProcess({
        service: 'audit',
        config: loadConfig(
          testEnv({ ...base, AUDITOR_IDENTITY_URL: identity.url, AUDITOR_MAINTENANCE_MODE: 'true' }),
        ),
      });
      const state = (url: string) =>
        getJson(`${url}/internal/ops/maintenance`, { headers: { authorization: `Service ${secret}` } });
      assert.equal((await state(audit.url)).enabled, true);
      assert.equal((await state(identity.url)).enabled, false);

      const on = await runCli(['ops', 'maintenance', 'on'], {
        AUDITOR_DATA_DIR: dataDir,
        AUDITOR_SERVICE_SECRET: secret,
        AUDITOR_IDENTITY_URL: identity.url,
        AUDITOR_AUDIT_URL: audit.url,
      });
      assert.equal(on.code, 0, on.stderr);
      assert.equal((await state(identity.url)).enabled, true);
      const write = await fetch(`${identity.url}/api/v1/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
        body: JSON.stringify(newUser(3)),
      });
      assert.equal(write.status, 503);
      assert.equal(write.headers.get('retry-after'), '300');
      assert.equal((await getJson(`${identity.url}/api/v1/ops/status`)).maintenance, true);

      const off = await runCli(['ops', 'maintenance', 'off', '--url', identity.url, audit.url], {
        AUDITOR_DATA_DIR: dataDir,
        AUDITOR_SERVICE_SECRET: secret,
      });
      assert.equal(off.code, 0, off.stderr);
      assert.equal((await state(identity.url)).enabled, false);
      assert.equal((await state(audit.url)).enabled, false);
    } finally {
      await audit?.close();
      await identity?.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
