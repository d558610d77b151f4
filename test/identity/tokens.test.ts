/**
 * Access tokens that must not be accepted (quality.md §4): expired, tampered, `alg: none`, HS256 signed
 * with the public key, another issuer, another audience, another installation's key, a revoked
 * session. Each is refused with 401 on a signed-in route.
 */
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { JWT_AUDIENCE } from '../../src/platform/auth/verifier.ts';
import { createManualClock } from '../../src/platform/clock.ts';
import { createAccessTokenSigner } from '../../src/services/identity/access-tokens.ts';
import { type Actor, identityOf, signIn } from '../support/identity.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const parts = (jwt: string) => jwt.split('.') as [string, string, string];
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(parts(jwt)[1], 'base64url').toString('utf8'));
const headerOf = (jwt: string) => JSON.parse(Buffer.from(parts(jwt)[0], 'base64url').toString('utf8'));

describe('access tokens that are refused', () => {
  const clock = createManualClock('2026-03-02T10:00:00Z');
  let app: TestApp;
  /** A fresh session per test: the expiry test moves the clock past earlier tokens' lifetime. */
  let admin: Actor;

  before(async () => {
    app = await startTestApp({ clock });
    await app.bootstrapAdmin('admin@tokens.test');
  });
  after(() => app.stop());
  beforeEach(async () => {
    admin = await signIn(app, 'admin@tokens.test');
  });

  async function me(token: string) {
    return app.api.get('/api/v1/me', token);
  }
  function assertRefused(res: Awaited<ReturnType<typeof me>>, code = 'TOKEN_INVALID') {
    assert.equal(res.statusCode, 401, res.body);
    assert.equal(res.json().error.code, code);
  }
  /** Signs `claims` (default: the admin's own) with another Ed25519 key, as another installation would. */
  async function signWithOtherKey(claims: Record<string, unknown>, kid: string) {
    const { privateKey } = generateKeyPairSync('ed25519');
    return new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' }).sign(privateKey);
  }

  test('the genuine token is accepted (the baseline the other cases change one thing of)', async () => {
    assert.equal((await me(admin.token)).statusCode, 200);
  });

  test('an expired token is refused once the clock passes its 15 minutes', async () => {
    const s = await signIn(app, 'admin@tokens.test');
    clock.advance(14 * 60_000);
    assert.equal((await me(s.token)).statusCode, 200, 'still valid at 14 minutes');
    clock.advance(61_000);
    assertRefused(await me(s.token));
  });

  test('a token whose payload was changed (roles added) is refused: the signature no longer matches', async () => {
    const s = await signIn(app, 'admin@tokens.test');
    const [h, , sig] = parts(s.token);
    const forged = { ...claimsOf(s.token), roles: ['AUDIT_ADMIN', 'GENERAL_USER'], sub: admin.userId };
    assertRefused(await me(`${h}.${b64(forged)}.${sig}`));
    // and a flipped bit in the signature itself
    const bad = sig[0] === 'A' ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
    assertRefused(await me(`${h}.${parts(s.token)[1]}.${bad}`));
  });

  test('an unsigned token (alg: none) is refused', async () => {
    const claims = claimsOf(admin.token);
    assertRefused(await me(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`));
    assertRefused(
      await me(`${b64({ alg: 'none', typ: 'JWT', kid: headerOf(admin.token).kid })}.${b64(claims)}.`),
    );
  });

  test('an HS256 token signed with the public key as the HMAC secret (key confusion) is refused', async () => {
    const jwks = (await app.api.get('/.well-known/jwks.json')).json();
    const jwk = jwks.keys[0];
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: jwk.kid });
    const body = b64(claimsOf(admin.token));
    for (const secret of [
      JSON.stringify(jwk),
      Buffer.from(jwk.x, 'base64url'),
      identityOf(app).signer.publicKey.export({ format: 'pem', type: 'spki' }),
    ]) {
      const sig = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
      assertRefused(await me(`${header}.${body}.${sig}`));
    }
  });

  test('a token from another issuer is refused even when signed with our key', async () => {
    const pem = readOurKey();
    const signer = await createAccessTokenSigner(pem, 'https://other-installation.example', 900_000);
    const { token } = await signer.sign(principalClaims(), clock.now());
    assertRefused(await me(token));
    const ours = await createAccessTokenSigner(pem, app.platform.publicUrl, 900_000);
    const control = await ours.sign(principalClaims(), clock.now());
    assert.equal((await me(control.token)).statusCode, 200, 'the same claims with our issuer pass');
  });

  test('a token for another audience is refused even when signed with our key', async () => {
    const c = claimsOf(admin.token);
    const token = await new SignJWT({ ...c, aud: 'some-other-api' })
      .setProtectedHeader({ alg: 'EdDSA', kid: headerOf(admin.token).kid, typ: 'JWT' })
      .sign(createPrivateKey(readOurKey()));
    assertRefused(await me(token));
    const ours = await new SignJWT({ ...c, aud: JWT_AUDIENCE })
      .setProtectedHeader({ alg: 'EdDSA', kid: headerOf(admin.token).kid, typ: 'JWT' })
      .sign(createPrivateKey(readOurKey()));
    assert.equal(
      (await me(ours)).statusCode,
      200,
      'the same token with our audience passes: only the audience differed',
    );
  });

  test("a token signed with another installation's key is refused, with its kid or with ours", async () => {
    const claims = claimsOf(admin.token);
    assertRefused(await me(await signWithOtherKey(claims, 'another-installation')));
    assertRefused(await me(await signWithOtherKey(claims, headerOf(admin.token).kid)));
  });

  test('a token of a session that was logged out is refused with TOKEN_REVOKED', async () => {
    const s = await signIn(app, 'admin@tokens.test');
    assert.equal((await me(s.token)).statusCode, 200);
    assert.equal((await app.api.post('/api/v1/auth/logout', undefined, s.token)).statusCode, 204);
    assertRefused(await me(s.token), 'TOKEN_REVOKED');
    assert.equal((await me(admin.token)).statusCode, 200, 'other sessions of the user go on');
  });

  test('garbage, an empty bearer and a cookie holding a forged token are refused', async () => {
    assertRefused(await me('not.a.jwt'));
    assertRefused(await me('eyJhbGciOiJFZERTQSJ9'));
    const res = await app.api.get('/api/v1/me', undefined, {
      cookie: `afb_access=${parts(admin.token)[0]}.${b64({ ...claimsOf(admin.token), exp: 9_999_999_999 })}.${parts(admin.token)[2]}`,
    });
    assertRefused(res);
    assert.equal((await app.api.get('/api/v1/me', undefined, { authorization: 'Bearer ' })).statusCode, 401);
  });

  function readOurKey(): string {
    return readFileSync(`${app.platform.dataDir}/secrets/jwt-ed25519.pem`, 'utf8');
  }
  function principalClaims() {
    const c = claimsOf(admin.token);
    return { userId: c.sub, orgId: c.org, roles: c.roles, scopes: c.scopes, sessionId: c.sid };
  }
});
