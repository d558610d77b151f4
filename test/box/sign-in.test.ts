/**
 * Box sign-in end to end (product.md F1.1): the product's authorize and callback routes against the
 * local Box's OAuth flow (consent page, codes, PKCE, refresh), with the product and the local Box on
 * one manual clock.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../src/platform/errors.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { type LocalBox, pathOf, recorder, setCookies, startLocalBox } from './local-box.ts';

const PUBLIC_URL = 'http://127.0.0.1:9';
const CALLBACK = `${PUBLIC_URL}/api/v1/auth/box/callback`;

describe('Box sign-in through the local Box', () => {
  let box: LocalBox;
  let app: TestApp;
  const rec = recorder();

  before(async () => {
    box = await startLocalBox();
    app = await startTestApp({
      clock: box.clock,
      // A loopback public URL: the local Box accepts loopback redirect URIs in demo mode.
      env: { AUDITOR_PUBLIC_URL: PUBLIC_URL },
      box: { settings: box.settings(), sleep: box.sleep, onExchange: rec.onExchange },
    });
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  const db = () => app.services.identity!.deps.db;
  const usersByEmail = (email: string) =>
    db().selectFrom('identity.users').selectAll().where('email', '=', email).execute();
  const countRows = async (table: 'identity.users' | 'identity.organizations') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  /** GET /auth/box/authorize: the redirect to Box and the state cookie bound to this browser. */
  async function begin(returnTo?: string) {
    const res = await app.api.get(
      `/api/v1/auth/box/authorize${returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`,
    );
    assert.equal(res.statusCode, 302);
    const location = new URL(String(res.headers.location));
    const cookie = setCookies(res.headers).get('afb_oauth_state');
    assert.ok(cookie, 'the state is bound to the browser by a cookie');
    return { location, cookie, state: location.searchParams.get('state')! };
  }

  /** A code for `login` from the local Box, bound to the flow's PKCE challenge (no browser). */
  function codeFor(login: string, location: URL, challenge = location.searchParams.get('code_challenge')!) {
    return box.emulator.controls.authorize({
      clientId: location.searchParams.get('client_id')!,
      login,
      redirectUri: location.searchParams.get('redirect_uri')!,
      state: location.searchParams.get('state')!,
      codeChallenge: challenge,
    }).code;
  }

  async function callback(code: string, state: string, cookie: string | undefined) {
    const res = await app.api.get(
      `/api/v1/auth/box/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
      undefined,
      cookie === undefined ? {} : { cookie: `afb_oauth_state=${cookie}` },
    );
    return { res, cookies: setCookies(res.headers), location: String(res.headers.location) };
  }

  async function signIn(login: string, returnTo = '/x') {
    const flow = await begin(returnTo);
    return callback(codeFor(login, flow.location), flow.state, flow.cookie);
  }

  /** Asserts the callback refused: back to the sign-in page with the code, and no session. */
  function assertRefused(r: Awaited<ReturnType<typeof callback>>, code: string) {
    assert.equal(r.res.statusCode, 302);
    assert.equal(r.location, `/sign-in?error=${code}`);
    assert.ok(!r.cookies.get('afb_access'), 'no access cookie');
    assert.ok(!r.cookies.get('afb_refresh'), 'no refresh cookie');
  }

  test('the authorize route redirects to the local Box with state, PKCE S256 and our callback', async () => {
    const { location, cookie, state } = await begin('/x');
    assert.equal(`${location.origin}${location.pathname}`, `${box.url}/api/oauth2/authorize`);
    assert.equal(location.searchParams.get('response_type'), 'code');
    assert.equal(location.searchParams.get('client_id'), box.oauthApp.clientId);
    assert.equal(location.searchParams.get('redirect_uri'), CALLBACK);
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    assert.match(location.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(cookie, state);
    assert.ok(!location.searchParams.has('client_secret'), 'the secret never reaches the browser');
    // The local Box accepts the URL: its consent page offers the enterprise's users.
    const page = await fetch(location, { redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Sign in as Demo Admin \(admin@demo\.example\)/);
  });

  test('the first sign-in of the enterprise admin (consent page) creates the organisation and an audit admin', async () => {
    assert.equal(await countRows('identity.organizations'), 0);
    const flow = await begin('/x');
    // What the browser does: post the consent form with the hidden fields and the chosen user.
    const form = new URLSearchParams(flow.location.searchParams);
    form.set('login', 'admin@demo.example');
    const consent = await fetch(`${box.url}/api/oauth2/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      redirect: 'manual',
    });
    assert.equal(consent.status, 302);
    const back = new URL(consent.headers.get('location')!);
    assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
    assert.equal(back.searchParams.get('state'), flow.state);

    const r = await callback(back.searchParams.get('code')!, back.searchParams.get('state')!, flow.cookie);
    assert.equal(r.res.statusCode, 302);
    assert.equal(r.location, '/x');
    assert.ok(r.cookies.get('afb_access'), 'a session access cookie');
    assert.ok(r.cookies.get('afb_refresh'), 'a session refresh cookie');
    assert.equal(r.cookies.get('afb_oauth_state'), '', 'the state cookie is cleared');

    const orgs = await db().selectFrom('identity.organizations').selectAll().execute();
    assert.equal(orgs.length, 1);
    assert.equal(orgs[0]!.box_enterprise_id, box.emulator.enterprise.id);
    assert.equal(orgs[0]!.name, box.emulator.enterprise.name);
    const [admin] = await usersByEmail('admin@demo.example');
    assert.ok(admin);
    assert.equal(admin.org_id, orgs[0]!.id);
    assert.equal(admin.kind, 'box');
    assert.equal(admin.box_user_id, box.emulator.state.userByLogin('admin@demo.example')!.id);
    assert.deepEqual([...admin.roles].sort(), ['AUDIT_ADMIN', 'GENERAL_USER']);

    const me = await app.api.get('/api/v1/me', undefined, {
      cookie: `afb_access=${r.cookies.get('afb_access')}`,
    });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().email, 'admin@demo.example');
    assert.equal(me.json().organization.name, box.emulator.enterprise.name);
  });

  test('a regular user and a co-admin get GENERAL_USER only, in the same organisation', async () => {
    for (const login of ['user@demo.example', 'coadmin@demo.example']) {
      const r = await signIn(login);
      assert.equal(r.location, '/x');
      const [user] = await usersByEmail(login);
      assert.ok(user, `${login} was created`);
      assert.deepEqual(user.roles, ['GENERAL_USER']);
    }
    assert.equal(await countRows('identity.organizations'), 1);
  });

  test('signing in again creates neither a second user nor a second organisation', async () => {
    const users = await countRows('identity.users');
    for (const login of ['admin@demo.example', 'user@demo.example']) {
      const r = await signIn(login);
      assert.equal(r.location, '/x');
      assert.ok(r.cookies.get('afb_access'));
    }
    assert.equal(await countRows('identity.users'), users);
    assert.equal(await countRows('identity.organizations'), 1);
    const [admin] = await usersByEmail('admin@demo.example');
    assert.deepEqual([...admin!.roles].sort(), ['AUDIT_ADMIN', 'GENERAL_USER']);
  });

  test('Box tokens are stored encrypted: the row holds neither token text, and decrypts to them', async () => {
    const mark = rec.mark();
    await signIn('user@demo.example');
    const issued = rec
      .since(mark)
      .filter((e) => e.method === 'POST' && pathOf(e.url) === '/oauth2/token' && e.status === 200);
    assert.equal(issued.length, 1);
    const body = issued[0]!.body as { access_token: string; refresh_token: string };
    const [user] = await usersByEmail('user@demo.example');
    const row = await db()
      .selectFrom('identity.box_tokens')
      .selectAll()
      .where('user_id', '=', user!.id)
      .executeTakeFirstOrThrow();
    const text = JSON.stringify(row);
    assert.ok(!text.includes(body.access_token), 'no access token in clear');
    assert.ok(!text.includes(body.refresh_token), 'no refresh token in clear');
    assert.equal(await app.services.identity!.boxSignIn.boxAccessToken(user!.id), body.access_token);
  });

  test('a forged state is refused, and no user is created', async () => {
    const forged = randomBytes(32).toString('base64url');
    const flow = await begin('/x');
    const code = codeFor('akiko.tanaka@demo.example', flow.location);
    // A state that was never issued, even with a matching cookie.
    assertRefused(await callback(code, forged, forged), 'OAUTH_STATE_INVALID');
    // A state that differs from the browser's cookie.
    assertRefused(await callback(code, forged, flow.cookie), 'OAUTH_STATE_INVALID');
    assert.equal((await usersByEmail('akiko.tanaka@demo.example')).length, 0);
  });

  test("a real state without this browser's cookie (or with another flow's cookie) is refused", async () => {
    const flow = await begin('/x');
    const other = await begin('/x');
    const code = codeFor('marcus.webb@demo.example', flow.location);
    assertRefused(await callback(code, flow.state, undefined), 'OAUTH_STATE_INVALID');
    assertRefused(await callback(code, flow.state, other.cookie), 'OAUTH_STATE_INVALID');
    assert.equal((await usersByEmail('marcus.webb@demo.example')).length, 0);
  });

  test('a replayed code is refused: the same callback again, and the code in a new flow', async () => {
    const flow = await begin('/x');
    const code = codeFor('priya.natarajan@demo.example', flow.location);
    const first = await callback(code, flow.state, flow.cookie);
    assert.equal(first.location, '/x');
    const [user] = await usersByEmail('priya.natarajan@demo.example');
    assert.ok(user);
    // The same redirect once more: the state is single-use.
    assertRefused(await callback(code, flow.state, flow.cookie), 'OAUTH_STATE_INVALID');
    // The code in a fresh flow: Box refuses the used code.
    const mark = rec.mark();
    const again = await begin('/x');
    assertRefused(await callback(code, again.state, again.cookie), 'OAUTH_EXCHANGE_FAILED');
    const refused = rec.since(mark).filter((e) => pathOf(e.url) === '/oauth2/token');
    assert.equal(refused.length, 1, 'the code exchange is not retried');
    assert.equal(refused[0]!.status, 400);
    assert.deepEqual(refused[0]!.body, {
      error: 'invalid_grant',
      error_description: 'Auth code has already been used',
    });
    assert.equal((await usersByEmail('priya.natarajan@demo.example')).length, 1);
  });

  test("a code bound to another PKCE challenge is refused (our verifier doesn't match)", async () => {
    const flow = await begin('/x');
    const attacker = await begin('/x');
    // A code the attacker obtained for their own flow, injected into the victim's callback.
    const code = codeFor(
      'jonas.berg@demo.example',
      flow.location,
      attacker.location.searchParams.get('code_challenge')!,
    );
    const mark = rec.mark();
    assertRefused(await callback(code, flow.state, flow.cookie), 'OAUTH_EXCHANGE_FAILED');
    const refused = rec.since(mark).filter((e) => pathOf(e.url) === '/oauth2/token');
    assert.equal(refused.length, 1);
    assert.deepEqual(refused[0]!.body, {
      error: 'invalid_grant',
      error_description: 'Invalid code_verifier',
    });
    assert.equal((await usersByEmail('jonas.berg@demo.example')).length, 0);
  });

  test('a sign-in left for more than 10 minutes, or a code older than 30 seconds, is refused', async () => {
    const slow = await begin('/x');
    box.clock.advance(10 * 60_000 + 1000);
    const late = await callback(codeFor('liam.oconnor@demo.example', slow.location), slow.state, slow.cookie);
    assertRefused(late, 'OAUTH_STATE_INVALID');

    const flow = await begin('/x');
    const code = codeFor('liam.oconnor@demo.example', flow.location);
    box.clock.advance(31_000);
    assertRefused(await callback(code, flow.state, flow.cookie), 'OAUTH_EXCHANGE_FAILED');
    assert.equal((await usersByEmail('liam.oconnor@demo.example')).length, 0);
  });

  test('returnTo cannot send the browser to another site', async () => {
    for (const returnTo of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      'http:/evil.example',
      '/ /evil.example',
    ]) {
      const r = await signIn('user@demo.example', returnTo);
      assert.equal(r.res.statusCode, 302);
      assert.equal(r.location, '/', `returnTo ${returnTo} lands on the home page`);
      assert.ok(r.cookies.get('afb_access'));
    }
    const kept = await signIn('user@demo.example', '/audit-sets/42?tab=items');
    assert.equal(kept.location, '/audit-sets/42?tab=items');
  });

  test('the Box integration-menu entry never trusts a userId from the URL', async () => {
    const entry = '/api/v1/integrations/box/open?itemType=file&itemId=123&userId=999';
    const anonymous = await app.api.get(entry);
    assert.equal(anonymous.statusCode, 302);
    assert.equal(anonymous.headers.location, '/api/v1/auth/box/authorize?returnTo=%2Fbox%2Ffile%2F123');
    assert.ok(!setCookies(anonymous.headers).get('afb_access'), 'no session from the URL');

    // Following it signs the person in with Box and brings them back to the item.
    const flow = await begin('/box/file/123');
    const r = await callback(codeFor('user@demo.example', flow.location), flow.state, flow.cookie);
    assert.equal(r.location, '/box/file/123');

    const signedIn = await app.api.get(entry, undefined, {
      cookie: `afb_access=${r.cookies.get('afb_access')}`,
    });
    assert.equal(signedIn.statusCode, 302);
    assert.equal(signedIn.headers.location, '/box/file/123');

    const folder = await app.api.get('/api/v1/integrations/box/open?itemType=folder&itemId=77&userId=1');
    assert.equal(folder.headers.location, '/api/v1/auth/box/authorize?returnTo=%2Fbox%2Ffolder%2F77');
    const bad = await app.api.get('/api/v1/integrations/box/open?itemType=file&itemId=..%2F..%2Fadmin');
    assert.equal(bad.statusCode, 400);
  });

  test('an expired Box access token is refreshed server-side once, and the new refresh token is kept', async () => {
    const signInBox = app.services.identity!.boxSignIn;
    const r = await signIn('sofia.alvarez@demo.example');
    assert.equal(r.location, '/x');
    const [user] = await usersByEmail('sofia.alvarez@demo.example');
    const before = await db()
      .selectFrom('identity.box_tokens')
      .selectAll()
      .where('user_id', '=', user!.id)
      .executeTakeFirstOrThrow();
    const first = await signInBox.boxAccessToken(user!.id);

    box.clock.advance(3600_000 + 1000);
    const mark = rec.mark();
    // Two requests at once: the row lock lets one refresh; the other sees its result.
    const [a, b] = await Promise.all([
      signInBox.boxAccessToken(user!.id),
      signInBox.boxAccessToken(user!.id),
    ]);
    assert.equal(a, b);
    assert.notEqual(a, first);
    const refreshes = rec.since(mark).filter((e) => pathOf(e.url) === '/oauth2/token');
    assert.equal(refreshes.length, 1, 'one refresh for two callers');
    assert.equal(refreshes[0]!.status, 200);
    const issued = refreshes[0]!.body as { access_token: string; refresh_token: string };
    assert.equal(a, issued.access_token);
    const after1 = await db()
      .selectFrom('identity.box_tokens')
      .selectAll()
      .where('user_id', '=', user!.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(after1.refresh_token, before.refresh_token);
    assert.equal(
      app.services.identity!.deps.encryptor.decrypt(after1.refresh_token!, `box-refresh:${user!.id}`),
      issued.refresh_token,
    );
    // The new token works at Box.
    const me = await fetch(`${box.url}/2.0/users/me`, { headers: { authorization: `Bearer ${a}` } });
    assert.equal(me.status, 200);

    // Expired again: the next refresh uses the new refresh token (the local Box refuses a used one).
    box.clock.advance(3600_000 + 1000);
    const mark2 = rec.mark();
    const c = await signInBox.boxAccessToken(user!.id);
    assert.notEqual(c, a);
    const second = rec.since(mark2).filter((e) => pathOf(e.url) === '/oauth2/token');
    assert.deepEqual(
      second.map((e) => e.status),
      [200],
      'exactly one refresh, and it succeeded: the old refresh token was not sent again',
    );
    const stillFresh = await signInBox.boxAccessToken(user!.id);
    assert.equal(stillFresh, c, 'a fresh token is not refreshed');
    assert.equal(rec.since(mark2).filter((e) => pathOf(e.url) === '/oauth2/token').length, 1);
  });

  test('a refresh token Box refuses is not sent again: the user is asked to sign in with Box anew', async () => {
    const signInBox = app.services.identity!.boxSignIn;
    await signIn('kenji.mori@demo.example');
    const [user] = await usersByEmail('kenji.mori@demo.example');
    const row = await db()
      .selectFrom('identity.box_tokens')
      .selectAll()
      .where('user_id', '=', user!.id)
      .executeTakeFirstOrThrow();
    const refreshToken = app.services.identity!.deps.encryptor.decrypt(
      row.refresh_token!,
      `box-refresh:${user!.id}`,
    );
    // The user (or an admin) revokes the app's access at Box.
    const revoked = await fetch(`${box.url}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: box.oauthApp.clientId,
        client_secret: box.oauthApp.clientSecret,
        token: refreshToken,
      }).toString(),
    });
    assert.equal(revoked.status, 200);
    box.clock.advance(3600_000 + 1000);

    const mark = rec.mark();
    for (let i = 0; i < 2; i++) {
      await assert.rejects(signInBox.boxAccessToken(user!.id), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'OAUTH_EXCHANGE_FAILED');
        assert.equal(err.status, 409);
        return true;
      });
    }
    const attempts = rec.since(mark).filter((e) => pathOf(e.url) === '/oauth2/token');
    assert.deepEqual(
      attempts.map((e) => e.status),
      [400],
      'one refused refresh; the dead token is not sent again',
    );
    // Signing in with Box again brings working tokens back.
    await signIn('kenji.mori@demo.example');
    assert.ok(await signInBox.boxAccessToken(user!.id));
  });
});

describe('Box sign-in of several people of a new enterprise at the same moment', () => {
  let box: LocalBox;
  let app: TestApp;
  before(async () => {
    box = await startLocalBox();
    app = await startTestApp({
      clock: box.clock,
      env: { AUDITOR_PUBLIC_URL: PUBLIC_URL },
      box: { settings: box.settings(), sleep: box.sleep },
    });
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('everyone gets in, with one organisation and one user each', async () => {
    const logins = [
      'admin@demo.example',
      'user@demo.example',
      'coadmin@demo.example',
      'akiko.tanaka@demo.example',
      'kenji.mori@demo.example',
    ];
    // Each person's browser starts its own flow; the callbacks then arrive together.
    const flows = [];
    for (const login of logins) {
      const res = await app.api.get('/api/v1/auth/box/authorize?returnTo=%2Fx');
      const location = new URL(String(res.headers.location));
      const { code } = box.emulator.controls.authorize({
        clientId: location.searchParams.get('client_id')!,
        login,
        redirectUri: location.searchParams.get('redirect_uri')!,
        codeChallenge: location.searchParams.get('code_challenge')!,
      });
      flows.push({
        state: location.searchParams.get('state')!,
        cookie: setCookies(res.headers).get('afb_oauth_state')!,
        code,
      });
    }
    const results = await Promise.all(
      flows.map((f) =>
        app.api.get(`/api/v1/auth/box/callback?code=${f.code}&state=${f.state}`, undefined, {
          cookie: `afb_oauth_state=${f.cookie}`,
        }),
      ),
    );
    assert.deepEqual(
      results.map((r) => r.headers.location),
      logins.map(() => '/x'),
    );
    const db = app.services.identity!.deps.db;
    const orgs = await db.selectFrom('identity.organizations').selectAll().execute();
    assert.equal(orgs.length, 1);
    const users = await db.selectFrom('identity.users').select(['email', 'org_id']).execute();
    assert.deepEqual(users.map((u) => u.email).sort(), [...logins].sort());
    assert.ok(users.every((u) => u.org_id === orgs[0]!.id));
  });
});
