/**
 * Personal API tokens (product.md F1.8): scopes never exceed what the user holds, a token cannot mint
 * a stronger one, `read` tokens are refused on writes, admin routes need `admin`, revoked and expired
 * tokens are refused, and only a hash is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createManualClock } from '../../src/platform/clock.ts';
import { type Cast, createCast } from '../support/identity.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('personal API tokens', () => {
  const clock = createManualClock('2026-07-01T00:00:00Z');
  let app: TestApp;
  let cast: Cast;

  before(async () => {
    app = await startTestApp({ clock });
    cast = await createCast(app, 'tok');
  });
  after(() => app.stop());

  const mint = (accessToken: string, scopes: string[], extra: Record<string, unknown> = {}) =>
    app.api.post('/api/v1/api-tokens', { name: 'test', scopes, ...extra }, accessToken);
  const errorCode = (res: { json(): { error: { code: string } } }) => res.json().error.code;

  test('an audit admin may hold every scope; others only read and write', async () => {
    assert.equal((await mint(cast.admin.token, ['read', 'write', 'admin', 'ledger:read'])).statusCode, 201);
    for (const actor of [cast.generalUser, cast.auditor]) {
      assert.equal((await mint(actor.token, ['read', 'write'])).statusCode, 201);
      for (const scope of ['admin', 'ledger:read']) {
        const res = await mint(actor.token, ['read', scope]);
        assert.equal(res.statusCode, 403);
        assert.equal(errorCode(res), 'SCOPE_NOT_HELD');
      }
    }
  });

  test('a token cannot mint a token with more rights than itself', async () => {
    const rw = (await mint(cast.admin.token, ['read', 'write'])).json().token;
    const stronger = await mint(rw, ['read', 'write', 'admin']);
    assert.equal(stronger.statusCode, 403);
    assert.equal(errorCode(stronger), 'SCOPE_NOT_HELD');
    assert.equal((await mint(rw, ['read'])).statusCode, 201, 'a weaker one is fine');
  });

  test('a read token reads but is refused on every write', async () => {
    const read = (await mint(cast.auditor.token, ['read'])).json().token;
    assert.equal((await app.api.get('/api/v1/me', read)).statusCode, 200);
    for (const res of [
      await app.api.patch('/api/v1/me', { language: 'ja' }, read),
      await mint(read, ['read']),
      await app.api.post('/api/v1/me/totp', undefined, read),
    ]) {
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(errorCode(res), 'INSUFFICIENT_SCOPE');
    }
    const me = await app.api.get('/api/v1/me', cast.auditor.token);
    assert.equal(me.json().language, 'en', 'nothing was changed');
  });

  test("an audit admin's token without the admin scope is refused on admin routes", async () => {
    const rw = (await mint(cast.admin.token, ['read', 'write'])).json().token;
    const res = await app.api.get('/api/v1/users', rw);
    assert.equal(res.statusCode, 403);
    assert.equal(errorCode(res), 'INSUFFICIENT_SCOPE');
    const admin = (await mint(cast.admin.token, ['read', 'admin'])).json().token;
    assert.equal((await app.api.get('/api/v1/users', admin)).statusCode, 200);
  });

  test('only a hash of a token is stored, and listing never shows the secret', async () => {
    const { token, id } = (await mint(cast.admin.token, ['read'])).json();
    const row = await sql<{
      dump: string;
    }>`select row_to_json(t)::text as dump from identity.api_tokens t where id = ${id}`.execute(
      app.platform.pool.db,
    );
    assert.ok(!row.rows[0]!.dump.includes(token.slice(4)));
    const list = await app.api.get('/api/v1/api-tokens', cast.admin.token);
    assert.ok(!list.body.includes(token));
  });

  test("nobody can revoke another user's token", async () => {
    const { token, id } = (await mint(cast.admin.token, ['read'])).json();
    for (const actor of [cast.generalUser, cast.otherAdmin, cast.boxAdmin]) {
      const res = await app.api.delete(`/api/v1/api-tokens/${id}`, actor.token);
      assert.equal(res.statusCode, 404);
    }
    assert.equal((await app.api.get('/api/v1/me', token)).statusCode, 200);
  });
  test('a revoked token is refused at once', async () => {
    const other = (await mint(cast.generalUser.token, ['read'])).json();
    assert.equal((await app.api.get('/api/v1/me', other.token)).statusCode, 200);
    assert.equal(
      (await app.api.delete(`/api/v1/api-tokens/${other.id}`, cast.generalUser.token)).statusCode,
      204,
    );
    assert.equal((await app.api.get('/api/v1/me', other.token)).statusCode, 401);
  });

  // Last: it moves the clock past the cast's session lifetimes.
  test('a token that ran out (expiresInDays) is refused', async () => {
    const created = (await mint(cast.generalUser.token, ['read'], { expiresInDays: 1 })).json();
    const forever = (await mint(cast.generalUser.token, ['read'])).json();
    assert.equal((await app.api.get('/api/v1/me', created.token)).statusCode, 200);
    clock.advance(86_400_000 + 1000);
    const expired = await app.api.get('/api/v1/me', created.token);
    assert.equal(expired.statusCode, 401);
    assert.equal(errorCode(expired), 'TOKEN_INVALID');
    assert.equal(
      (await app.api.get('/api/v1/me', forever.token)).statusCode,
      200,
      'a token without expiry goes on',
    );
  });
});
