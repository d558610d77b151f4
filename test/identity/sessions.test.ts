/**
 * Sessions (product.md F1.3): refresh tokens rotate on every use and are stored hashed; reusing an old
 * one revokes the whole family (the newest refresh token and the session's access tokens stop
 * working); logout ends a session; cookies need the CSRF token on writes; families expire.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createManualClock } from '../../src/platform/clock.ts';
import { type Actor, signIn } from '../support/identity.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('sessions and refresh tokens', () => {
  const clock = createManualClock('2026-05-11T12:00:00Z');
  let app: TestApp;
  const email = 'admin@sessions.test';

  before(async () => {
    app = await startTestApp({ clock, env: { AUDITOR_REFRESH_TOKEN_TTL: '2h' } });
    await app.bootstrapAdmin(email);
  });
  after(() => app.stop());

  const refresh = (refreshToken: string) => app.api.post('/api/v1/auth/refresh', { refreshToken });
  const me = (token: string) => app.api.get('/api/v1/me', token);
  const code = (res: { json(): { error: { code: string } } }) => res.json().error.code;

  test('each refresh hands out a new refresh token and a working access token; the old refresh token is spent', async () => {
    const s0 = await signIn(app, email);
    clock.advance(1000);
    const r1 = await refresh(s0.refreshToken);
    assert.equal(r1.statusCode, 200, r1.body);
    const s1 = r1.json();
    assert.notEqual(s1.refreshToken, s0.refreshToken);
    assert.notEqual(s1.accessToken, s0.token);
    assert.equal((await me(s1.accessToken)).statusCode, 200);
    clock.advance(1000);
    const r2 = await refresh(s1.refreshToken);
    assert.equal(r2.statusCode, 200);
    assert.equal((await me(r2.json().accessToken)).statusCode, 200);
  });

  test('reusing an old refresh token revokes the whole family: newest refresh token and every access token of the session', async () => {
    const other = await signIn(app, email);
    const s0 = await signIn(app, email);
    const s1 = (await refresh(s0.refreshToken)).json();
    const s2 = (await refresh(s1.refreshToken)).json();
    assert.equal((await me(s2.accessToken)).statusCode, 200);

    const reuse = await refresh(s0.refreshToken);
    assert.equal(reuse.statusCode, 401);
    assert.equal(code(reuse), 'REFRESH_TOKEN_REUSED');

    const newest = await refresh(s2.refreshToken);
    assert.equal(newest.statusCode, 401, 'the newest refresh token of the family is dead too');
    assert.equal(code(newest), 'REFRESH_TOKEN_INVALID');
    for (const token of [s0.token, s1.accessToken, s2.accessToken]) {
      const res = await me(token);
      assert.equal(res.statusCode, 401, 'every access token of the session is refused');
      assert.equal(code(res), 'TOKEN_REVOKED');
    }
    assert.equal((await me(other.token)).statusCode, 200, 'another session of the same user is untouched');
    assert.equal((await refresh(other.refreshToken)).statusCode, 200);
    const sid = JSON.parse(Buffer.from(s0.token.split('.')[1]!, 'base64url').toString()).sid;
    const row = await sql<{
      revoked_reason: string;
    }>`select revoked_reason from identity.sessions where id = ${sid}`.execute(app.platform.pool.db);
    assert.equal(row.rows[0]?.revoked_reason, 'refresh token reused');
  });

  test('refresh tokens are stored only as hashes', async () => {
    const s = await signIn(app, email);
    const dump = await sql<{
      t: string;
    }>`select string_agg(encode(token_hash, 'escape') || encode(token_hash, 'hex'), ',') as t from identity.refresh_tokens`.execute(
      app.platform.pool.db,
    );
    const hex = Buffer.from(s.refreshToken).toString('hex');
    assert.ok(!dump.rows[0]!.t.includes(s.refreshToken) && !dump.rows[0]!.t.includes(hex));
  });

  test('a family expires with its lifetime (AUDITOR_REFRESH_TOKEN_TTL), however often it was rotated', async () => {
    const s0 = await signIn(app, email);
    clock.advance(60 * 60_000);
    const s1 = (await refresh(s0.refreshToken)).json();
    assert.ok(s1.refreshToken);
    clock.advance(60 * 60_000 + 1000);
    const late = await refresh(s1.refreshToken);
    assert.equal(late.statusCode, 401);
    assert.equal(code(late), 'REFRESH_TOKEN_INVALID');
  });

  test('logout ends the session: its refresh token and access token are refused, the cookies are cleared', async () => {
    const s = await signIn(app, email);
    const out = await app.api.post('/api/v1/auth/logout', { refreshToken: s.refreshToken }, s.token);
    assert.equal(out.statusCode, 204);
    assert.equal(code(await me(s.token)), 'TOKEN_REVOKED');
    assert.equal(code(await refresh(s.refreshToken)), 'REFRESH_TOKEN_INVALID');
    assert.match(String(out.headers['set-cookie']), /afb_refresh=;.*Expires=Thu, 01 Jan 1970/);
  });

  test('a disabled user cannot refresh', async () => {
    const admin = await signIn(app, email);
    await app.api.post(
      '/api/v1/users',
      { email: 'ea@sessions.test', name: 'EA', password: 'a test password that is long' },
      admin.token,
    );
    const ea: Actor = await signIn(app, 'ea@sessions.test');
    await app.api.patch(`/api/v1/users/${ea.userId}`, { disabled: true }, admin.token);
    assert.equal(code(await refresh(ea.refreshToken)), 'REFRESH_TOKEN_INVALID');
  });

  test('with cookies, reads need nothing more but writes need the CSRF header matching the CSRF cookie', async () => {
    const login = await app.api.post(
      '/api/v1/auth/login',
      { email, password: 'a test password that is long' },
      undefined,
      {
        'x-requested-with': 'auditor-web',
      },
    );
    const { accessToken, csrfToken } = login.json();
    const cookie = `afb_access=${accessToken}; afb_csrf=${csrfToken}`;
    assert.equal((await app.api.get('/api/v1/me', undefined, { cookie })).statusCode, 200);
    const write = (headers: Record<string, string>) =>
      app.api.request('PATCH', '/api/v1/me', { body: { language: 'ja' }, headers: { cookie, ...headers } });
    const missing = await write({});
    assert.equal(missing.statusCode, 403);
    assert.equal(code(missing), 'CSRF_TOKEN_INVALID');
    assert.equal(code(await write({ 'x-csrf-token': 'forged' })), 'CSRF_TOKEN_INVALID');
    const forgedCookie = await app.api.request('PATCH', '/api/v1/me', {
      body: { language: 'ja' },
      headers: { cookie: `afb_access=${accessToken}; afb_csrf=attacker`, 'x-csrf-token': 'attacker-other' },
    });
    assert.equal(code(forgedCookie), 'CSRF_TOKEN_INVALID');
    assert.equal((await write({ 'x-csrf-token': csrfToken })).statusCode, 200);
  });
});
