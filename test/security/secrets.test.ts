/**
 * No secret in logs or responses (quality.md §4). A representative session runs against the product
 * on the local Box with debug logging: Box sign-in of the enterprise admin (OAuth code flow), creating
 * an external auditor, password sign-in (and a failed one), a refresh, minting an API token and using
 * it, a password reset request and reset, file details, a preview and a download, an event search, a
 * verification and its bundle, the operations endpoints. Every log line and every response (status
 * line, headers, body) is captured, then searched for every secret the session involved:
 *
 *   our access and refresh tokens, API tokens, passwords and reset codes — outside the one response
 *   that hands each to its owner (sign-in, refresh, minting; never in a log line);
 *   Box access and refresh tokens (read from the local Box's own state), the Box apps' client secrets
 *   and webhook keys, the token encryption key, the JWT, ledger and witness signing keys and the
 *   service secret — nowhere at all.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { type LocalBox, setCookies, startLocalBox } from '../box/local-box.ts';
import { identityOf } from '../support/identity.ts';
import { readEmlMessages, resetCodeIn } from '../support/mail.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

interface Exchange {
  what: string;
  res: LightMyRequestResponse;
}

/** The texts to look for: a secret, and the forms it could take in a log or a body. */
function formsOf(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  // PEM and `id:base64` keys: their base64 body, and each long line of it.
  const pem = secret.match(/-----BEGIN [^-]+-----([\s\S]*?)-----END/);
  if (pem) {
    const body = pem[1]!.replace(/\s+/g, '');
    forms.add(body);
    for (const line of pem[1]!.split(/\s+/)) if (line.length >= 24) forms.add(line);
  }
  for (const part of secret.split(/[,:+\s]/)) if (part.length >= 24) forms.add(part);
  return [...forms].filter((f) => f.length >= 8);
}

describe('no secret in logs or responses', () => {
  let box: LocalBox;
  let app: TestApp;
  const exchanges: Exchange[] = [];
  /** Secrets that may appear only in the named responses (the ones that issue them). */
  const issued = new Map<string, Set<string>>();
  /** Secrets that may appear nowhere. */
  const never = new Map<string, string>();

  async function call(what: string, o: InjectOptions): Promise<LightMyRequestResponse> {
    const res = await app.app.inject(o);
    exchanges.push({ what, res });
    return res;
  }
  const json = (method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body: unknown, token?: string) => ({
    method,
    url,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    payload: JSON.stringify(body),
  });
  const get = (url: string, token?: string) => ({
    method: 'GET' as const,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  // A refresh within the same second re-issues the identical JWT (same claims, same iat): merge.
  const issuedIn = (secret: string, ...whats: string[]) =>
    issued.set(secret, new Set([...(issued.get(secret) ?? []), ...whats]));

  before(async () => {
    box = await startLocalBox();
    app = await startTestApp({
      // A loopback public URL: the local Box accepts loopback redirect URIs.
      env: { AUDITOR_PUBLIC_URL: 'http://127.0.0.1:9', LOG_LEVEL: 'debug' },
      box: { settings: box.settings(), sleep: box.sleep },
    });

    // Box sign-in of the enterprise admin: authorize, consent at the local Box, callback.
    const start = await call('box authorize', get('/api/v1/auth/box/authorize?returnTo=%2Fsets'));
    assert.equal(start.statusCode, 302, start.body);
    const location = new URL(String(start.headers.location));
    const { code } = box.emulator.controls.authorize({
      clientId: location.searchParams.get('client_id')!,
      login: 'admin@demo.example',
      redirectUri: location.searchParams.get('redirect_uri')!,
      state: location.searchParams.get('state')!,
      codeChallenge: location.searchParams.get('code_challenge')!,
    });
    const callback = await call('box callback', {
      method: 'GET',
      url: `/api/v1/auth/box/callback?code=${code}&state=${location.searchParams.get('state')}`,
      headers: { cookie: `afb_oauth_state=${setCookies(start.headers).get('afb_oauth_state')}` },
    });
    assert.equal(callback.statusCode, 302, callback.body);
    const adminToken = setCookies(callback.headers).get('afb_access')!;
    const adminRefresh = setCookies(callback.headers).get('afb_refresh')!;
    issuedIn(adminToken, 'box callback');
    issuedIn(adminRefresh, 'box callback');
    // The authorization code is single-use but still not something to log.
    never.set('Box authorization code', code);

    // An external auditor: created, a failed and a good password sign-in, a refresh.
    const email = 'secret-auditor@security.test';
    const created = await call(
      'create auditor',
      json('POST', '/api/v1/users', { email, name: 'Auditor', password: TEST_PASSWORD }, adminToken),
    );
    assert.equal(created.statusCode, 201, created.body);
    const wrong = 'a wrong password that is long enough';
    never.set('a mistyped password', wrong);
    const failed = await call(
      'failed sign-in',
      json('POST', '/api/v1/auth/login', { email, password: wrong }),
    );
    assert.equal(failed.statusCode, 401);
    const invalid = await call(
      'invalid sign-in',
      json('POST', '/api/v1/auth/login', { email: 'not-an-email', password: wrong }),
    );
    assert.equal(invalid.statusCode, 400);
    const login = await call(
      'sign-in',
      json('POST', '/api/v1/auth/login', { email, password: TEST_PASSWORD }),
    );
    assert.equal(login.statusCode, 200, login.body);
    const eaToken = login.json().accessToken as string;
    issuedIn(eaToken, 'sign-in');
    issuedIn(login.json().refreshToken, 'sign-in');
    const refreshed = await call(
      'refresh',
      json('POST', '/api/v1/auth/refresh', { refreshToken: login.json().refreshToken }),
    );
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    issuedIn(refreshed.json().accessToken, 'refresh');
    issuedIn(refreshed.json().refreshToken, 'refresh');
    // Reusing the rotated refresh token is refused (and must not echo it).
    const reuse = await call(
      'refresh reuse',
      json('POST', '/api/v1/auth/refresh', { refreshToken: login.json().refreshToken }),
    );
    assert.equal(reuse.statusCode, 401);

    // An API token, minted and used.
    const minted = await call(
      'mint API token',
      json('POST', '/api/v1/api-tokens', { name: 'ci', scopes: ['read'] }, adminToken),
    );
    assert.equal(minted.statusCode, 201, minted.body);
    const apiToken = minted.json().token as string;
    issuedIn(apiToken, 'mint API token');
    await call('list API tokens', get('/api/v1/api-tokens', adminToken));
    assert.equal((await call('use API token', get('/api/v1/audit-sets', apiToken))).statusCode, 200);

    // A password reset: requested, the emailed code used, the new password signed in with.
    await call('reset request', json('POST', '/api/v1/auth/password/reset-request', { email }));
    await identityOf(app).deps.mail.flush();
    const mail = readEmlMessages(app.config.AUDITOR_DATA_DIR)
      .filter((m) => m.to.join().includes(email))
      .at(-1);
    assert.ok(mail, 'the reset email was written');
    const resetCode = resetCodeIn(mail.text);
    never.set('reset code', resetCode);
    const newPassword = 'a brand new password for the auditor';
    never.set('new password', newPassword);
    const reset = await call(
      'reset',
      json('POST', '/api/v1/auth/password/reset', { email, code: resetCode, newPassword }),
    );
    assert.equal(reset.statusCode, 204, reset.body);
    const again = await call(
      'sign-in after reset',
      json('POST', '/api/v1/auth/login', { email, password: newPassword }),
    );
    assert.equal(again.statusCode, 200, again.body);
    issuedIn(again.json().accessToken, 'sign-in after reset');
    issuedIn(again.json().refreshToken, 'sign-in after reset');
    never.set('password', TEST_PASSWORD);

    // Files through the service: details, a preview, a download; an event search; a verification.
    const file = box.emulator.state.fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    for (const [what, suffix] of [
      ['file details', ''],
      ['preview', '/preview'],
      ['download', '/content'],
      ['versions', '/versions'],
    ] as const) {
      const res = await call(what, get(`/api/v1/files/${file.id}${suffix}`, adminToken));
      assert.equal(res.statusCode, 200, `${what}: ${res.body}`);
    }
    const auditorToken = again.json().accessToken as string;
    assert.equal(
      (await call('auditor download (refused)', get(`/api/v1/files/${file.id}/content`, auditorToken)))
        .statusCode,
      404,
    );
    // The reset ended the auditor's earlier sessions.
    assert.equal((await call('revoked session', get('/api/v1/me', eaToken))).statusCode, 401);
    await call('event search', get('/api/v1/events', adminToken));
    const verified = await call(
      'verify',
      json('POST', `/api/v1/files/${file.id}/verifications`, {}, adminToken),
    );
    assert.equal(verified.statusCode, 201, verified.body);
    await call('bundle', get(`/api/v1/verifications/${verified.json().id}/bundle`, adminToken));
    for (const url of [
      '/api/v1/me',
      '/health/ready',
      '/metrics',
      '/openapi.json',
      '/.well-known/jwks.json',
      '/api/v1/ledger/public-keys',
    ])
      await call(url, get(url, adminToken));
    await call('logout', json('POST', '/api/v1/auth/logout', {}, adminToken));
    await app.drainOutboxes();

    // Box's side: every token the local Box issued to the product, and the apps' secrets.
    const store = box.emulator.state.store;
    let n = 0;
    for (const t of store.tokens.values()) {
      never.set(`Box access token ${++n}`, t.accessToken);
      if (t.refreshToken) never.set(`Box refresh token ${n}`, t.refreshToken);
    }
    assert.ok(n >= 2, `the local Box issued tokens to the product (${n})`);
    for (const a of box.emulator.apps) {
      never.set(`${a.kind} client secret`, a.clientSecret);
      if (a.webhookPrimaryKey) never.set(`${a.kind} webhook primary key`, a.webhookPrimaryKey);
      if (a.webhookSecondaryKey) never.set(`${a.kind} webhook secondary key`, a.webhookSecondaryKey);
    }
    // Our keys: everything generated under the data directory's secrets, and the service secret.
    const secrets = join(app.config.AUDITOR_DATA_DIR, 'secrets');
    for (const name of readdirSync(secrets))
      never.set(`secrets/${name}`, readFileSync(join(secrets, name), 'utf8').trim());
    assert.ok(
      never.has('secrets/jwt-ed25519.pem') && never.has('secrets/encryption-keys'),
      'the keys were found',
    );
    never.set('service secret', app.platform.serviceSecret);
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  function textOf(res: LightMyRequestResponse): string {
    const headers = Object.entries(res.headers)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join('; ') : String(v)}`)
      .join('\n');
    return `${res.statusCode}\n${headers}\n\n${res.body}`;
  }

  test('the session ran end to end and wrote logs', () => {
    assert.ok(exchanges.length > 25, `${exchanges.length} exchanges`);
    assert.ok(app.logs.length > 20, `${app.logs.length} log lines`);
    assert.ok(never.size > 10 && issued.size >= 8, 'the secrets were collected');
  });

  test('no log line holds any secret: not a token, password, reset code, Box token, client secret or key', () => {
    const found: string[] = [];
    const all = [...never, ...[...issued.keys()].map((s, i) => [`issued token ${i + 1}`, s] as const)];
    for (const line of app.logs)
      for (const [name, secret] of all)
        if (formsOf(secret).some((form) => line.includes(form)))
          found.push(`${name} in: ${line.slice(0, 300)}`);
    assert.deepEqual(found, []);
  });

  test('no response holds a secret, except the one response that issues a token to its owner', () => {
    const found: string[] = [];
    for (const { what, res } of exchanges) {
      const text = textOf(res);
      for (const [name, secret] of never)
        if (formsOf(secret).some((form) => text.includes(form)))
          found.push(`${name} in the response to ${what}`);
      for (const [secret, allowedIn] of issued)
        if (!allowedIn.has(what) && formsOf(secret).some((form) => text.includes(form)))
          found.push(`a token issued by ${[...allowedIn].join(', ')} in the response to ${what}`);
    }
    assert.deepEqual(found, []);
  });
});
