/**
 * Rate limits on sign-in and password reset (quality.md §4): with AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE
 * at 5, the sixth attempt in a minute from one address is refused with 429 RATE_LIMITED and a
 * Retry-After — whatever it carries, the right password included — while another address goes on;
 * a forged X-Forwarded-For does not make a new address (the proxy is not trusted). Account lockout is
 * set out of reach here, so what answers 429 is the address limit. Event searches have their own
 * per-user limit (AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createAuditor, signIn } from '../support/identity.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

const LIMIT = 5;
const SEARCH_LIMIT = 3;

describe('rate limits on sign-in, password reset and search', () => {
  let app: TestApp;
  let email: string;
  let adminToken: string;
  let address = 10;
  /** A fresh client address per test: each starts with a full allowance. */
  const nextAddress = () => `10.0.0.${++address}`;

  before(async () => {
    app = await startTestApp({
      env: {
        AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT),
        AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE: String(SEARCH_LIMIT),
        AUDITOR_LOGIN_MAX_FAILURES: '1000',
      },
    });
    const admin = await app.bootstrapAdmin('admin@limits.test');
    adminToken = admin.token;
    email = (await createAuditor(app, admin.token, 'auditor@limits.test')).email;
  });
  after(async () => {
    await app?.stop();
  });

  const post = (url: string, body: unknown, remoteAddress: string, headers: Record<string, string> = {}) =>
    app.app.inject({
      method: 'POST',
      url,
      remoteAddress,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    } as InjectOptions);

  function assertLimited(res: LightMyRequestResponse, what: string): void {
    assert.equal(res.statusCode, 429, `${what}: ${res.body}`);
    assert.equal(res.json().error.code, 'RATE_LIMITED', what);
    const retryAfter = Number(res.headers['retry-after']);
    assert.ok(
      Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60,
      `${what}: Retry-After ${res.headers['retry-after']}`,
    );
  }

  /** `LIMIT` attempts pass the limiter (whatever they answer), the next one is refused. */
  async function exhaust(url: string, body: unknown, from: string): Promise<void> {
    for (let i = 0; i < LIMIT; i++) {
      const res = await post(url, body, from);
      assert.notEqual(res.statusCode, 429, `attempt ${i + 1} of ${url} is within the limit`);
    }
    assertLimited(await post(url, body, from), `attempt ${LIMIT + 1} of ${url}`);
  }

  test('many password sign-ins from one address get 429 with Retry-After, even with the right password', async () => {
    const from = nextAddress();
    await exhaust('/api/v1/auth/login', { email, password: 'a wrong password, long enough' }, from);
    assertLimited(
      await post('/api/v1/auth/login', { email, password: TEST_PASSWORD }, from),
      'the right password',
    );
    // Another address is not affected; a forged X-Forwarded-For is not another address.
    const elsewhere = await post('/api/v1/auth/login', { email, password: TEST_PASSWORD }, nextAddress());
    assert.equal(elsewhere.statusCode, 200, elsewhere.body);
    assertLimited(
      await post('/api/v1/auth/login', { email, password: TEST_PASSWORD }, from, {
        'x-forwarded-for': '203.0.113.9',
      }),
      'a forged X-Forwarded-For',
    );
  });

  test('many password reset requests from one address get 429 with Retry-After', async () => {
    await exhaust('/api/v1/auth/password/reset-request', { email }, nextAddress());
  });

  test('many password reset attempts (guessing codes) from one address get 429 with Retry-After', async () => {
    await exhaust(
      '/api/v1/auth/password/reset',
      { email, code: 'ABCDEFGHJK', newPassword: 'a new password that is long' },
      nextAddress(),
    );
  });

  test('refresh-token guessing and Box sign-in starts are limited the same way', async () => {
    await exhaust('/api/v1/auth/refresh', { refreshToken: `rt_${'x'.repeat(43)}` }, nextAddress());
    const from = nextAddress();
    for (let i = 0; i < LIMIT; i++) {
      const res = await app.app.inject({
        method: 'GET',
        url: '/api/v1/auth/box/authorize',
        remoteAddress: from,
      } as InjectOptions);
      assert.notEqual(res.statusCode, 429);
    }
    assertLimited(
      await app.app.inject({
        method: 'GET',
        url: '/api/v1/auth/box/authorize',
        remoteAddress: from,
      } as InjectOptions),
      'Box sign-in',
    );
  });

  test('event searches are limited per user', async () => {
    const search = (token: string) => app.api.get('/api/v1/events', token);
    for (let i = 0; i < SEARCH_LIMIT; i++) assert.equal((await search(adminToken)).statusCode, 200);
    assertLimited(await search(adminToken), 'a search over the limit');
    // Another user's allowance is their own, from the same address.
    const auditor = await signIn(app, email, TEST_PASSWORD);
    assert.equal((await search(auditor.token)).statusCode, 200);
  });
});
