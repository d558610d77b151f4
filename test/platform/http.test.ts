/**
 * The HTTP platform every process shares (architecture.md §8–§9): the error body with stable codes in
 * English and Japanese, request ids, security headers, CORS only for the configured origin, body and
 * rate limits, and request metrics labelled by route template and service, never by raw path.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { signIn } from '../support/identity.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

describe('the HTTP platform', () => {
  let app: TestApp;
  let token: string;
  let address = 0;

  before(async () => {
    app = await startTestApp({
      env: {
        AUDITOR_BODY_LIMIT: '2048',
        AUDITOR_RATE_LIMIT_PER_MINUTE: '5',
        AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE: '2',
      },
    });
    await app.bootstrapAdmin('admin@http.test');
    token = (await signIn(app, 'admin@http.test')).token;
  });
  after(() => app.stop());

  /** Each test calls from its own client address, so the small rate limits only bite where meant to. */
  const client = () => {
    const ip = `10.1.${Math.floor(++address / 250)}.${(address % 250) + 1}`;
    return (o: InjectOptions) => app.app.inject({ remoteAddress: ip, ...o });
  };

  test('an error is {error: {code, message, details}, requestId}, in English by default', async () => {
    const call = client();
    const res = await call({ method: 'GET', url: '/api/v1/no-such-thing' });
    assert.equal(res.statusCode, 404);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['error', 'requestId']);
    assert.equal(body.error.code, 'ROUTE_NOT_FOUND');
    assert.equal(body.error.message, 'There is no such endpoint.');
    assert.equal(body.requestId, res.headers['x-request-id']);

    const invalid = await call({
      method: 'POST',
      url: '/api/v1/auth/password/reset-request',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 42 }),
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.code, 'VALIDATION_FAILED');
    assert.deepEqual(
      invalid.json().error.details.issues.map((i: { path: string }) => i.path),
      ['body.email'],
    );
  });

  test('messages follow Accept-Language: Japanese when preferred, English otherwise', async () => {
    const call = client();
    const ask = async (lang: string) =>
      (await call({ method: 'GET', url: '/api/v1/me', headers: { 'accept-language': lang } })).json().error
        .message;
    assert.equal(await ask('ja'), 'サインインが必要です。');
    assert.equal(await ask('ja-JP,ja;q=0.9,en;q=0.8'), 'サインインが必要です。');
    assert.equal(await ask('en-GB,en;q=0.9,ja;q=0.5'), 'Sign-in is required.');
    assert.equal(await ask('fr'), 'Sign-in is required.');
    const limited = await call({ method: 'GET', url: '/api/v1/me', headers: { 'accept-language': 'ja' } });
    assert.equal(limited.json().error.code, 'UNAUTHENTICATED', 'the code stays the same in every language');
  });

  test('a well-formed request id is echoed (header, error body, log line); anything else is replaced', async () => {
    const call = client();
    const given = `req-${randomUUID()}`;
    const res = await call({ method: 'GET', url: '/api/v1/me', headers: { 'x-request-id': given } });
    assert.equal(res.headers['x-request-id'], given);
    assert.equal(res.json().requestId, given);
    const line = app.logs
      .map((l) => JSON.parse(l))
      .find((l) => l.request_id === given && l.msg === 'request completed');
    assert.ok(line, 'the log line carries the request id');
    assert.equal(line.route, '/api/v1/me');
    assert.match(line.trace_id, /^[0-9a-f]{32}$/);
    for (const bad of ['short', 'has spaces in it', `x${'y'.repeat(200)}`, 'inject\nnewline']) {
      const r = await call({ method: 'GET', url: '/health/live', headers: { 'x-request-id': bad } });
      assert.notEqual(r.headers['x-request-id'], bad);
      assert.match(String(r.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    }
  });

  test('responses carry the security headers and no x-powered-by', async () => {
    const res = await client()({ method: 'GET', url: '/health/live' });
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    assert.match(
      String(res.headers['content-security-policy']),
      /frame-ancestors 'self' https:\/\/\*\.box\.com/,
    );
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/);
    assert.equal(res.headers['x-powered-by'], undefined);
  });

  test('CORS answers only the configured origin (AUDITOR_PUBLIC_URL here), with credentials', async () => {
    const call = client();
    const preflight = (origin: string) =>
      call({
        method: 'OPTIONS',
        url: '/api/v1/me',
        headers: {
          origin,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'content-type,x-csrf-token',
        },
      });
    const ours = await preflight('http://auditor.test');
    assert.equal(ours.statusCode, 204);
    assert.equal(ours.headers['access-control-allow-origin'], 'http://auditor.test');
    assert.equal(ours.headers['access-control-allow-credentials'], 'true');
    const theirs = await preflight('https://evil.example');
    assert.equal(theirs.headers['access-control-allow-origin'], undefined);
    const simple = await call({
      method: 'GET',
      url: '/api/v1/me',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(simple.headers['access-control-allow-origin'], undefined);
    const ok = await call({ method: 'GET', url: '/api/v1/me', headers: { origin: 'http://auditor.test' } });
    assert.equal(ok.headers['access-control-allow-origin'], 'http://auditor.test');
  });

  test('a body above AUDITOR_BODY_LIMIT is refused with 413 BODY_TOO_LARGE before it is read', async () => {
    const res = await client()({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'admin@http.test', password: 'x'.repeat(4096) }),
    });
    assert.equal(res.statusCode, 413);
    assert.equal(res.json().error.code, 'BODY_TOO_LARGE');
  });

  test('the API answers 429 RATE_LIMITED with Retry-After past AUDITOR_RATE_LIMIT_PER_MINUTE per address; health and metrics are exempt', async () => {
    const call = client();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await call({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } }))
          .statusCode,
      );
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const limited = await call({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}`, 'accept-language': 'ja' },
    });
    assert.equal(limited.json().error.code, 'RATE_LIMITED');
    assert.match(limited.json().error.message, /秒後に再試行してください/);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    for (let i = 0; i < 10; i++)
      assert.equal((await call({ method: 'GET', url: '/health/live' })).statusCode, 200);
    assert.equal((await call({ method: 'GET', url: '/metrics' })).statusCode, 200);
    assert.equal(
      (await client()({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
      200,
      'another address is not limited',
    );
  });

  test('sign-in has its own tighter limit (AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE)', async () => {
    const call = client();
    const login = () =>
      call({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email: 'admin@http.test', password: TEST_PASSWORD }),
      });
    assert.equal((await login()).statusCode, 200);
    assert.equal((await login()).statusCode, 200);
    const third = await login();
    assert.equal(third.statusCode, 429);
    assert.equal(third.json().error.code, 'RATE_LIMITED');
    const reset = await call({
      method: 'POST',
      url: '/api/v1/auth/password/reset-request',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'admin@http.test' }),
    });
    assert.equal(reset.statusCode, 202, 'each limited route counts on its own');
  });

  test('/metrics counts requests by route template and service, never by raw path', async () => {
    const call = client();
    const id = randomUUID();
    const stray = randomUUID();
    await call({ method: 'GET', url: `/api/v1/users/${id}`, headers: { authorization: `Bearer ${token}` } });
    await call({ method: 'GET', url: `/api/v1/users/${id}` });
    await call({ method: 'GET', url: `/api/v1/not-a-route/${stray}` });
    const res = await call({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    assert.match(
      text,
      /http_requests_total\{service="identity-service",method="GET",route="\/api\/v1\/users\/:id",status="404"\} 1/,
    );
    assert.match(
      text,
      /http_requests_total\{service="identity-service",method="GET",route="\/api\/v1\/users\/:id",status="401"\} 1/,
    );
    assert.match(
      text,
      /http_request_duration_seconds_bucket\{le="[^"]+",service="identity-service",method="GET",route="\/api\/v1\/users\/:id"\}/,
    );
    assert.match(
      text,
      /http_requests_total\{service="gateway",method="GET",route="\/health\/live",status="200"\}/,
    );
    assert.ok(!text.includes(id) && !text.includes(stray), 'no raw path or id in any label');
    for (const line of text.split('\n').filter((l) => l.startsWith('http_request'))) {
      const route = /route="([^"]*)"/.exec(line)?.[1];
      // `*` is the CORS pre-flight route's own template.
      const known = route === 'unmatched' || route === '*' || app.routes.some((r) => r.url === route);
      assert.ok(known, `label ${route} is a route template`);
    }
  });
});
