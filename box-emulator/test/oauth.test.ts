import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { call, ccgToken, REDIRECT, startTestBox, type TestBox, userTokens } from './helpers.ts';

describe('OAuth 2.0 and Client Credentials Grant', () => {
  let box: TestBox;
  before(async () => {
    box = await startTestBox();
  });
  after(() => box.close());

  const exchange = (code: string, extra: Record<string, string> = {}) =>
    call(box, 'POST', '/oauth2/token', {
      form: {
        grant_type: 'authorization_code',
        code,
        client_id: box.oauthApp.clientId,
        client_secret: box.oauthApp.clientSecret,
        ...extra,
      },
    });

  test('a CCG app gets a token for its service account, without a refresh token', async () => {
    const res = await call(box, 'POST', '/oauth2/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: box.ccg.clientId,
        client_secret: box.ccg.clientSecret,
        box_subject_type: 'enterprise',
        box_subject_id: box.emulator.enterprise.id,
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.expires_in, 3600);
    assert.equal(res.body.refresh_token, undefined);
    assert.equal(res.body.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
    const me = await call(box, 'GET', '/2.0/users/me', { token: res.body.access_token });
    assert.equal(me.body.id, box.emulator.serviceAccount().id);
    assert.match(me.body.login, /^AutomationUser_\d+_[0-9a-f]+@boxdevedition\.com$/);
  });

  test('a wrong client secret or enterprise id is refused with Box’s OAuth error body', async () => {
    const bad = await call(box, 'POST', '/oauth2/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: box.ccg.clientId,
        client_secret: 'nope',
        box_subject_type: 'enterprise',
        box_subject_id: box.emulator.enterprise.id,
      },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body, {
      error: 'invalid_client',
      error_description: 'The client credentials are invalid',
    });
    const wrongSubject = await call(box, 'POST', '/oauth2/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: box.ccg.clientId,
        client_secret: box.ccg.clientSecret,
        box_subject_type: 'enterprise',
        box_subject_id: '1',
      },
    });
    assert.equal(wrongSubject.body.error, 'invalid_grant');
    const unknownGrant = await call(box, 'POST', '/oauth2/token', { form: { grant_type: 'password' } });
    assert.equal(unknownGrant.body.error, 'unsupported_grant_type');
  });

  test('CCG with a user subject gives that user’s token', async () => {
    const user = box.emulator.state.user('user@demo.example');
    const token = await ccgToken(box, { type: 'user', id: user.id });
    const me = await call(box, 'GET', '/2.0/users/me', { token });
    assert.equal(me.body.login, 'user@demo.example');
  });

  test('an authorization code is single-use and lives 30 seconds', async () => {
    const first = box.emulator.controls.authorize({
      clientId: box.oauthApp.clientId,
      login: 'user@demo.example',
      redirectUri: REDIRECT,
    });
    assert.equal((await exchange(first.code)).status, 200);
    const reuse = await exchange(first.code);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');

    const second = box.emulator.controls.authorize({
      clientId: box.oauthApp.clientId,
      login: 'user@demo.example',
      redirectUri: REDIRECT,
    });
    box.clock.advanceSeconds(31);
    const late = await exchange(second.code);
    assert.equal(late.body.error, 'invalid_grant');
    assert.match(late.body.error_description, /expired/);
  });

  test('access tokens expire after an hour: 401 with Box’s error body and WWW-Authenticate', async () => {
    const { access_token } = await userTokens(box, 'user@demo.example');
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: access_token })).status, 200);
    box.clock.advanceSeconds(3601);
    const res = await call(box, 'GET', '/2.0/users/me', { token: access_token });
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal(res.body.type, 'error');
    assert.equal(res.body.status, 401);
    assert.equal(res.body.request_id, res.headers.get('box-request-id'));
    const anonymous = await call(box, 'GET', '/2.0/users/me');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="Service"');
  });

  test('a refresh token works once, returns a new pair, and expires after 60 days', async () => {
    const tokens = await userTokens(box, 'user@demo.example');
    const refresh = (rt: string) =>
      call(box, 'POST', '/oauth2/token', {
        form: {
          grant_type: 'refresh_token',
          refresh_token: rt,
          client_id: box.oauthApp.clientId,
          client_secret: box.oauthApp.clientSecret,
        },
      });
    const next = await refresh(tokens.refresh_token);
    assert.equal(next.status, 200);
    assert.notEqual(next.body.refresh_token, tokens.refresh_token);
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: next.body.access_token })).status, 200);
    const again = await refresh(tokens.refresh_token);
    assert.equal(again.body.error, 'invalid_grant');
    box.clock.advance(61 * 86_400_000);
    assert.equal((await refresh(next.body.refresh_token)).body.error, 'invalid_grant');
  });

  test('revoking an access token revokes its refresh token as well', async () => {
    const tokens = await userTokens(box, 'user@demo.example');
    const revoke = await call(box, 'POST', '/oauth2/revoke', {
      form: {
        client_id: box.oauthApp.clientId,
        client_secret: box.oauthApp.clientSecret,
        token: tokens.access_token,
      },
    });
    assert.equal(revoke.status, 200);
    assert.equal(revoke.text, '');
    assert.equal((await call(box, 'GET', '/2.0/users/me', { token: tokens.access_token })).status, 401);
    const refreshed = await call(box, 'POST', '/oauth2/token', {
      form: {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: box.oauthApp.clientId,
        client_secret: box.oauthApp.clientSecret,
      },
    });
    assert.equal(refreshed.body.error, 'invalid_grant');
  });

  test('with PKCE the code exchange needs the matching code_verifier', async () => {
    const verifier = 'a-long-random-verifier-0123456789-0123456789-abcdef';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = () =>
      box.emulator.controls.authorize({
        clientId: box.oauthApp.clientId,
        login: 'admin@demo.example',
        redirectUri: REDIRECT,
        codeChallenge: challenge,
      });
    const missing = await exchange(authorize().code);
    assert.equal(missing.body.error, 'invalid_grant');
    const wrong = await exchange(authorize().code, { code_verifier: 'something-else' });
    assert.equal(wrong.body.error, 'invalid_grant');
    assert.equal(wrong.body.error_description, 'Invalid code_verifier');
    const right = await exchange(authorize().code, { code_verifier: verifier });
    assert.equal(right.status, 200);
  });

  test('the authorize page offers accessible sign-in buttons and redirects with code and state', async () => {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: box.oauthApp.clientId,
      redirect_uri: REDIRECT,
      state: 'xyz',
    });
    const page = await call(box, 'GET', `/api/oauth2/authorize?${q}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.text, /aria-label="Sign in as Demo Admin \(admin@demo\.example\)"/);
    assert.match(page.text, /Sign in as Demo User/);
    const post = await call(box, 'POST', '/api/oauth2/authorize', {
      form: { ...Object.fromEntries(q), login: 'admin@demo.example' },
    });
    assert.equal(post.status, 302);
    const location = new URL(post.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, REDIRECT);
    assert.equal(location.searchParams.get('state'), 'xyz');
    const token = await exchange(location.searchParams.get('code')!);
    assert.equal(token.status, 200);
    const me = await call(box, 'GET', '/2.0/users/me?fields=role', { token: token.body.access_token });
    assert.equal(me.body.role, 'admin');
    const login = box.emulator.state.events({ type: 'LOGIN' }).at(-1)!;
    assert.equal((login.created_by as { login: string }).login, 'admin@demo.example');
  });

  test('redirect URIs must be registered; demo mode also accepts http loopback ones', async () => {
    const foreign = new URLSearchParams({
      response_type: 'code',
      client_id: box.oauthApp.clientId,
      redirect_uri: 'https://evil.example/cb',
    });
    const page = await call(box, 'GET', `/api/oauth2/authorize?${foreign}`);
    assert.equal(page.status, 400);
    assert.match(page.text, /redirect_uri is not registered/);

    const strict = await startTestBox({
      demo: false,
      apps: [
        {
          clientId: 'app1',
          clientSecret: 'secret1',
          kind: 'oauth',
          redirectUris: ['https://app.example/cb'],
        },
      ],
    });
    try {
      const ok = new URLSearchParams({
        response_type: 'code',
        client_id: 'app1',
        redirect_uri: 'https://app.example/cb',
      });
      assert.equal((await call(strict, 'GET', `/api/oauth2/authorize?${ok}`)).status, 200);
      const loopback = new URLSearchParams({
        response_type: 'code',
        client_id: 'app1',
        redirect_uri: REDIRECT,
      });
      assert.equal((await call(strict, 'GET', `/api/oauth2/authorize?${loopback}`)).status, 400);
      const denied = await call(strict, 'POST', '/api/oauth2/authorize', {
        form: { ...Object.fromEntries(ok), state: 's1', deny: '1' },
      });
      assert.equal(denied.headers.get('location'), 'https://app.example/cb?error=access_denied&state=s1');
    } finally {
      await strict.close();
    }
  });
});
