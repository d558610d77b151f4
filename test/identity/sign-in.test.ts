/**
 * Password sign-in beyond the happy path: back-off per account and per client address (429
 * ACCOUNT_LOCKED with Retry-After, doubling up to the configured cap) and the optional TOTP second
 * factor. Time is a manual clock; nothing sleeps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/platform/clock.ts';
import { currentTotp } from '../../src/services/identity/totp.ts';
import { type Actor, createAuditor, signIn, userRow } from '../support/identity.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

describe('password sign-in: back-off and second factor', () => {
  const clock = createManualClock('2026-04-01T08:00:00Z');
  let app: TestApp;
  let admin: Actor;
  let n = 0;

  before(async () => {
    app = await startTestApp({
      clock,
      env: { AUDITOR_LOGIN_MAX_FAILURES: '3', AUDITOR_LOGIN_LOCKOUT: '4s' },
    });
    await app.bootstrapAdmin('admin@signin.test');
    admin = await signIn(app, 'admin@signin.test');
  });
  after(() => app.stop());

  const newAuditor = async () => (await createAuditor(app, admin.token, `ea${++n}@signin.test`)).email;
  const login = (email: string, password: string, ip = '192.0.2.10', extra: Record<string, unknown> = {}) =>
    app.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: ip,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email, password, ...extra }),
    });

  function assertLocked(res: Awaited<ReturnType<typeof login>>, seconds: number) {
    assert.equal(res.statusCode, 429, res.body);
    assert.equal(res.json().error.code, 'ACCOUNT_LOCKED');
    assert.equal(res.headers['retry-after'], String(seconds));
    assert.match(res.json().error.message, new RegExp(`${seconds} seconds`));
  }

  test('after the allowed failures an account is locked, even for the right password, and the wait doubles up to the cap', async () => {
    const email = await newAuditor();
    for (let i = 0; i < 2; i++) assert.equal((await login(email, 'wrong password!')).statusCode, 401);
    // The third failure reaches the limit: 1 s of back-off starts.
    assert.equal((await login(email, 'wrong password!')).statusCode, 401);
    assertLocked(await login(email, TEST_PASSWORD), 1);
    clock.advance(1000);
    assert.equal((await login(email, 'wrong password!')).statusCode, 401);
    assertLocked(await login(email, TEST_PASSWORD), 2);
    clock.advance(2000);
    assert.equal((await login(email, 'wrong password!')).statusCode, 401);
    assertLocked(await login(email, TEST_PASSWORD), 4);
    clock.advance(4000);
    assert.equal((await login(email, 'wrong password!')).statusCode, 401);
    assertLocked(await login(email, TEST_PASSWORD), 4); // capped at AUDITOR_LOGIN_LOCKOUT
    clock.advance(4000);
    assert.equal(
      (await login(email, TEST_PASSWORD)).statusCode,
      200,
      'the right password works once the wait is over',
    );
    assert.equal(
      (await login(email, 'wrong password!')).statusCode,
      401,
      'and success cleared the account counter',
    );
  });

  test('the account lock holds whichever address the attempts come from', async () => {
    const email = await newAuditor();
    for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3'])
      assert.equal((await login(email, 'wrong password!', ip)).statusCode, 401);
    assertLocked(await login(email, TEST_PASSWORD, '198.51.100.99'), 1);
    clock.advance(1000);
  });

  test('one address failing on many accounts is locked out of every account, other addresses are not', async () => {
    const victim = await newAuditor();
    for (let i = 0; i < 3; i++)
      assert.equal((await login(`nobody${i}@signin.test`, 'guess password', '203.0.113.7')).statusCode, 401);
    assertLocked(await login(victim, TEST_PASSWORD, '203.0.113.7'), 1);
    assert.equal((await login(victim, TEST_PASSWORD, '203.0.113.8')).statusCode, 200);
    clock.advance(1000);
    assert.equal((await login(victim, TEST_PASSWORD, '203.0.113.7')).statusCode, 200);
  });

  test('an unknown account and a wrong password get the same answer', async () => {
    const email = await newAuditor();
    const unknown = await login('nobody-at-all@signin.test', 'some password', '192.0.2.200');
    const wrong = await login(email, 'some password', '192.0.2.201');
    assert.equal(unknown.statusCode, wrong.statusCode);
    assert.deepEqual(unknown.json().error, wrong.json().error);
  });

  test('with TOTP on, the password alone is not enough; a current code signs in, an old or wrong one does not', async () => {
    const email = await newAuditor();
    const ea = await signIn(app, email);
    const begin = await app.api.post('/api/v1/me/totp', undefined, ea.token);
    const secret = begin.json().secret as string;
    const stored = await userRow(app, ea.userId);
    assert.ok(stored?.totp_secret && !stored.totp_secret.includes(secret), 'the secret is stored encrypted');
    // Confirmed with the previous step's code: one step of clock drift is allowed.
    const confirm = await app.api.post(
      '/api/v1/me/totp/confirm',
      { code: currentTotp(secret, new Date(clock.now().getTime() - 30_000)) },
      ea.token,
    );
    assert.equal(confirm.statusCode, 204);

    const noCode = await login(email, TEST_PASSWORD, '192.0.2.50');
    assert.equal(noCode.statusCode, 401);
    assert.equal(noCode.json().error.code, 'TOTP_REQUIRED');
    const wrong = await login(email, TEST_PASSWORD, '192.0.2.50', {
      totp: currentTotp(secret, new Date(clock.now().getTime() - 90_000)),
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'TOTP_INVALID');
    const ok = await login(email, TEST_PASSWORD, '192.0.2.50', { totp: currentTotp(secret, clock.now()) });
    assert.equal(ok.statusCode, 200);
    const replay = await login(email, TEST_PASSWORD, '192.0.2.51', {
      totp: currentTotp(secret, clock.now()),
    });
    assert.equal(replay.statusCode, 401, 'a code that was already used cannot be used again');
    assert.equal(replay.json().error.code, 'TOTP_INVALID');
    assert.equal(ok.json().user.totpEnabled, true);
  });

  test('wrong TOTP codes count as failures: guessing codes is backed off like guessing passwords', async () => {
    const email = await newAuditor();
    const ea = await signIn(app, email);
    const secret = (await app.api.post('/api/v1/me/totp', undefined, ea.token)).json().secret as string;
    await app.api.post('/api/v1/me/totp/confirm', { code: currentTotp(secret, clock.now()) }, ea.token);
    for (let i = 0; i < 3; i++)
      assert.equal(
        (await login(email, TEST_PASSWORD, `192.0.2.${60 + i}`, { totp: '000000' })).statusCode,
        401,
      );
    assertLocked(
      await login(email, TEST_PASSWORD, '192.0.2.70', { totp: currentTotp(secret, clock.now()) }),
      1,
    );
    clock.advance(1000);
  });

  test('a stolen session cannot switch an enabled second factor off by starting a new enrolment', async () => {
    const email = await newAuditor();
    const ea = await signIn(app, email);
    const secret = (await app.api.post('/api/v1/me/totp', undefined, ea.token)).json().secret as string;
    await app.api.post('/api/v1/me/totp/confirm', { code: currentTotp(secret, clock.now()) }, ea.token);
    const again = await app.api.post('/api/v1/me/totp', undefined, ea.token);
    assert.equal(again.statusCode, 409, again.body);
    assert.equal(again.json().error.code, 'TOTP_ALREADY_ENABLED');
    const noCode = await login(email, TEST_PASSWORD, '192.0.2.80');
    assert.equal(noCode.json().error.code, 'TOTP_REQUIRED', 'the second factor is still required');
    clock.advance(30_000); // the confirming code was used; the next one comes 30 s later
    const off = await app.api.delete('/api/v1/me/totp', ea.token, { code: currentTotp(secret, clock.now()) });
    assert.equal(off.statusCode, 204, 'turning it off takes a current code');
    assert.equal(
      (await app.api.post('/api/v1/me/totp', undefined, ea.token)).statusCode,
      200,
      'then re-enrolment works',
    );
  });

  test('a disabled account cannot sign in even with the right password', async () => {
    const email = await newAuditor();
    const ea = await signIn(app, email);
    await app.api.patch(`/api/v1/users/${ea.userId}`, { disabled: true }, admin.token);
    const res = await login(email, TEST_PASSWORD, '192.0.2.90');
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().error.code, 'ACCOUNT_DISABLED');
  });
});
