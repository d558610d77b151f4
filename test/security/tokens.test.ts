/**
 * Credentials the audit, file, event and verification services must refuse (quality.md §4): a JWT for
 * another audience or from another issuer (signed with our own key), an expired one, `alg: none`, an
 * HS256 token keyed with our public key, one signed with another key, a revoked session, a revoked API
 * token, a deactivated user, and a cookie session writing without its CSRF token. Identity's own routes
 * are covered by test/identity/tokens.test.ts; here every case is tried on one route of each of the
 * other services, after the genuine credential has been shown to work there.
 */
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { JWT_AUDIENCE } from '../../src/platform/auth/verifier.ts';
import { createAccessTokenSigner } from '../../src/services/identity/access-tokens.ts';
import { createAuditSet } from '../files/file-support.ts';
import { apiToken, identityOf, signIn } from '../support/identity.ts';
import { fileId, startVerifyEnv, tokenOf, type VerifyEnv } from '../verification/verification-support.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (jwt: string) => jwt.split('.') as [string, string, string];
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(parts(jwt)[1], 'base64url').toString('utf8'));
const headerOf = (jwt: string) => JSON.parse(Buffer.from(parts(jwt)[0], 'base64url').toString('utf8'));

describe('tokens and sessions the audit, file, event and verification services refuse', () => {
  let e: VerifyEnv;
  let setId: string;
  let routes: { service: string; method: 'GET' | 'PATCH'; url: string; body?: unknown }[];

  before(async () => {
    e = await startVerifyEnv();
    const admin = await tokenOf(e, 'admin');
    setId = await createAuditSet(e.app, admin, {
      name: 'Tokens',
      items: [{ itemId: fileId(e, 'Board/Minutes/2025/Minutes 2025-01.pdf'), type: 'file' }],
    });
    routes = [
      { service: 'audit', method: 'GET', url: `/api/v1/audit-sets/${setId}` },
      {
        service: 'file',
        method: 'GET',
        url: `/api/v1/files/${fileId(e, 'Board/Minutes/2025/Minutes 2025-01.pdf')}`,
      },
      { service: 'event', method: 'GET', url: '/api/v1/events' },
      { service: 'verification', method: 'GET', url: `/api/v1/audit-sets/${setId}/verifications` },
    ];
  });
  after(async () => {
    await e?.stop();
  });

  const call = (r: (typeof routes)[number], token?: string, headers: Record<string, string> = {}) =>
    e.app.app.inject({
      method: r.method,
      url: r.url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });

  /** The genuine credential works on every route; the forged one is refused with 401 on each. */
  async function refusedEverywhere(genuine: string, forged: string, code?: string): Promise<void> {
    for (const r of routes) {
      const ok = await call(r, genuine);
      assert.equal(ok.statusCode, 200, `${r.service}: the genuine credential works (${ok.body})`);
      const res: LightMyRequestResponse = await call(r, forged);
      assert.equal(res.statusCode, 401, `${r.service} ${r.url}: ${res.body}`);
      if (code) assert.equal(res.json().error.code, code, r.service);
    }
  }

  const readOurKey = () => readFileSync(`${e.app.platform.dataDir}/secrets/jwt-ed25519.pem`, 'utf8');

  test('a token for another audience is refused, although signed with our key', async () => {
    const genuine = await tokenOf(e, 'admin');
    const forged = await new SignJWT({ ...claimsOf(genuine), aud: 'some-other-api' })
      .setProtectedHeader({ alg: 'EdDSA', kid: headerOf(genuine).kid, typ: 'JWT' })
      .sign(createPrivateKey(readOurKey()));
    await refusedEverywhere(genuine, forged, 'TOKEN_INVALID');
    // The same claims with our audience pass: the audience was the only difference.
    const control = await new SignJWT({ ...claimsOf(genuine), aud: JWT_AUDIENCE })
      .setProtectedHeader({ alg: 'EdDSA', kid: headerOf(genuine).kid, typ: 'JWT' })
      .sign(createPrivateKey(readOurKey()));
    assert.equal((await call(routes[0]!, control)).statusCode, 200);
  });

  test('a token from another issuer is refused, although signed with our key', async () => {
    const genuine = await tokenOf(e, 'admin');
    const c = claimsOf(genuine);
    const claims = { userId: c.sub, orgId: c.org, roles: c.roles, scopes: c.scopes, sessionId: c.sid };
    const other = await createAccessTokenSigner(readOurKey(), 'https://other-installation.example', 900_000);
    const { token } = await other.sign(claims, e.box.clock.now());
    await refusedEverywhere(genuine, token, 'TOKEN_INVALID');
    const ours = await createAccessTokenSigner(readOurKey(), e.app.platform.publicUrl, 900_000);
    assert.equal(
      (await call(routes[0]!, (await ours.sign(claims, e.box.clock.now())).token)).statusCode,
      200,
    );
  });

  test('an unsigned token (alg: none) is refused, with or without our key id', async () => {
    const genuine = await tokenOf(e, 'admin');
    const claims = claimsOf(genuine);
    await refusedEverywhere(genuine, `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'TOKEN_INVALID');
    await refusedEverywhere(
      genuine,
      `${b64({ alg: 'none', typ: 'JWT', kid: headerOf(genuine).kid })}.${b64(claims)}.`,
      'TOKEN_INVALID',
    );
  });

  test('an HS256 token keyed with our public key, and one signed with another key, are refused', async () => {
    const genuine = await tokenOf(e, 'admin');
    const jwk = (await e.app.api.get('/.well-known/jwks.json')).json().keys[0];
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: jwk.kid });
    const body = parts(genuine)[1];
    const hs = createHmac('sha256', JSON.stringify(jwk)).update(`${header}.${body}`).digest('base64url');
    await refusedEverywhere(genuine, `${header}.${body}.${hs}`, 'TOKEN_INVALID');
    const { privateKey } = generateKeyPairSync('ed25519');
    const otherKey = await new SignJWT(claimsOf(genuine))
      .setProtectedHeader({ alg: 'EdDSA', kid: headerOf(genuine).kid, typ: 'JWT' })
      .sign(privateKey);
    await refusedEverywhere(genuine, otherKey, 'TOKEN_INVALID');
  });

  test('a token whose roles were edited (a general user made audit admin) is refused', async () => {
    const genuine = await tokenOf(e, 'admin');
    const user = await tokenOf(e, 'user');
    const [h, , sig] = parts(user);
    const forged = `${h}.${b64({ ...claimsOf(user), roles: ['AUDIT_ADMIN', 'GENERAL_USER'] })}.${sig}`;
    await refusedEverywhere(genuine, forged, 'TOKEN_INVALID');
  });

  test('the token of a session that was logged out is refused with TOKEN_REVOKED', async () => {
    const genuine = await tokenOf(e, 'admin');
    const ended = await tokenOf(e, 'admin');
    for (const r of routes) assert.equal((await call(r, ended)).statusCode, 200, r.service);
    assert.equal((await e.app.api.post('/api/v1/auth/logout', undefined, ended)).statusCode, 204);
    await refusedEverywhere(genuine, ended, 'TOKEN_REVOKED');
  });

  test('a revoked API token is refused', async () => {
    const genuine = await tokenOf(e, 'admin');
    const token = await apiToken(e.app, genuine, ['read'], 'to revoke');
    for (const r of routes) assert.equal((await call(r, token)).statusCode, 200, r.service);
    const list = await e.app.api.get('/api/v1/api-tokens', genuine);
    const id = (list.json().items as { id: string; name: string }[]).find((t) => t.name === 'to revoke')!.id;
    assert.equal((await e.app.api.delete(`/api/v1/api-tokens/${id}`, genuine)).statusCode, 204);
    await refusedEverywhere(genuine, token);
  });

  test("a deactivated user's session is refused at once", async () => {
    const genuine = await tokenOf(e, 'admin');
    const auditor = await signIn(e.app, 'auditor@files.test');
    assert.equal((await call(routes[2]!, auditor.token)).statusCode, 200);
    const res = await e.app.api.delete(`/api/v1/users/${auditor.userId}`, genuine);
    assert.ok(res.statusCode === 204 || res.statusCode === 200, res.body);
    await refusedEverywhere(genuine, auditor.token);
  });

  test('a cookie session cannot write to the audit service without its CSRF token', async () => {
    const identity = identityOf(e.app);
    const row = await identity.deps.users.userById(identity.deps.db, e.cast.admin.userId);
    const session = await identity.sessions.issue(row!, { ip: '127.0.0.1' });
    const patch = (headers: Record<string, string>) =>
      e.app.app.inject({
        method: 'PATCH',
        url: `/api/v1/audit-sets/${setId}`,
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify({ description: 'by cookie' }),
      });
    const cookie = `afb_access=${session.accessToken}; afb_csrf=the-csrf-token`;
    const without = await patch({ cookie });
    assert.equal(without.statusCode, 403, without.body);
    assert.equal(without.json().error.code, 'CSRF_TOKEN_INVALID');
    const wrong = await patch({ cookie, 'x-csrf-token': 'another-token' });
    assert.equal(wrong.statusCode, 403);
    const right = await patch({ cookie, 'x-csrf-token': 'the-csrf-token' });
    assert.equal(right.statusCode, 200, `with its CSRF token the write goes through: ${right.body}`);
  });

  // Last: it moves the shared clock past every token's lifetime.
  test('an expired token is refused once the clock passes its 15 minutes', async () => {
    const old = await tokenOf(e, 'admin');
    e.box.clock.advance(14 * 60_000);
    for (const r of routes) assert.equal((await call(r, old)).statusCode, 200, `${r.service} at 14 minutes`);
    e.box.clock.advance(61_000);
    await refusedEverywhere(await tokenOf(e, 'admin'), old, 'TOKEN_INVALID');
  });
});
