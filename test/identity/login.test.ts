import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

describe('password sign-in', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
    await app.bootstrapAdmin('admin@login.test');
  });
  after(() => app.stop());

  test('a correct email and password return an access token, a refresh token and the user', async () => {
    const res = await app.api.post('/api/v1/auth/login', {
      email: 'admin@login.test',
      password: TEST_PASSWORD,
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.match(body.accessToken, /^eyJ/);
    assert.ok(body.refreshToken.startsWith('rt_'));
    assert.equal(body.user.email, 'admin@login.test');
    assert.deepEqual(body.user.roles, ['AUDIT_ADMIN']);
    assert.equal(body.expiresIn, 900);
    assert.ok(String(res.headers['set-cookie']).includes('afb_access='));
  });

  test('a wrong password is refused with INVALID_CREDENTIALS in the caller language', async () => {
    const res = await app.api.post(
      '/api/v1/auth/login',
      { email: 'admin@login.test', password: 'wrong password here' },
      undefined,
      {
        'accept-language': 'ja',
      },
    );
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'INVALID_CREDENTIALS');
    assert.equal(res.json().error.message, 'メールアドレスまたはパスワードが正しくありません。');
    assert.ok(res.json().requestId);
  });
});
