/**
 * Immediate revocation (product.md F1.3): when an audit admin disables or deletes a user, or changes
 * their roles, the user's access tokens and API tokens stop carrying the old rights at once — also
 * when an API token's introspection is cached and when the change happens in the same second as the
 * token was last checked (the clock here stands still, which is the hardest case).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/platform/clock.ts';
import { type Actor, apiToken, createAuditor, createBoxActor, signIn } from '../support/identity.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('revocation takes effect at once', () => {
  const clock = createManualClock('2026-06-01T09:30:00Z');
  let app: TestApp;
  let admin: Actor;
  let orgId: string;
  let n = 0;

  before(async () => {
    app = await startTestApp({ clock });
    orgId = (await app.bootstrapAdmin('admin@revoke.test')).orgId;
    admin = await signIn(app, 'admin@revoke.test');
  });
  after(() => app.stop());

  const get = (url: string, token: string) => app.api.get(url, token);
  async function auditorWithTokens() {
    const { id, email } = await createAuditor(app, admin.token, `ea${++n}@revoke.test`);
    const session = await signIn(app, email);
    const token = await apiToken(app, session.token, ['read', 'write']);
    // Both work, and the API token's introspection is now cached.
    assert.equal((await get('/api/v1/me', session.token)).statusCode, 200);
    assert.equal((await get('/api/v1/me', token)).statusCode, 200);
    return { id, email, session, token };
  }
  function assertRevoked(res: Awaited<ReturnType<typeof get>>) {
    assert.equal(res.statusCode, 401, res.body);
    assert.match(res.json().error.code, /^TOKEN_(REVOKED|INVALID)$/);
  }

  test('disabling a user refuses their access token and their (cached) API token at once', async () => {
    const ea = await auditorWithTokens();
    const res = await app.api.patch(`/api/v1/users/${ea.id}`, { disabled: true }, admin.token);
    assert.equal(res.statusCode, 200);
    assertRevoked(await get('/api/v1/me', ea.session.token));
    assertRevoked(await get('/api/v1/me', ea.token));
    assert.equal((await get('/api/v1/me', admin.token)).statusCode, 200, "the admin's own session goes on");
  });

  test('deleting a user refuses their access token and their (cached) API token at once', async () => {
    const ea = await auditorWithTokens();
    assert.equal((await app.api.delete(`/api/v1/users/${ea.id}`, admin.token)).statusCode, 204);
    assertRevoked(await get('/api/v1/me', ea.session.token));
    assertRevoked(await get('/api/v1/me', ea.token));
    assert.equal(
      (await app.api.post('/api/v1/auth/refresh', { refreshToken: ea.session.refreshToken })).statusCode,
      401,
    );
  });

  test('changing roles voids the access tokens that carry the old roles; API tokens lose the removed rights at once', async () => {
    const user = await createBoxActor(app, {
      orgId,
      email: `promoted${++n}@revoke.test`,
      roles: ['AUDIT_ADMIN', 'GENERAL_USER'],
      boxRole: 'coadmin',
    });
    const token = await apiToken(app, user.token, ['read', 'write', 'admin']);
    assert.equal((await get('/api/v1/users', user.token)).statusCode, 200);
    assert.equal((await get('/api/v1/users', token)).statusCode, 200);

    const res = await app.api.put(
      `/api/v1/users/${user.userId}/roles`,
      { roles: ['GENERAL_USER'] },
      admin.token,
    );
    assert.equal(res.statusCode, 200, res.body);
    assertRevoked(await get('/api/v1/users', user.token));
    assertRevoked(await get('/api/v1/me', user.token));
    const viaToken = await get('/api/v1/users', token);
    assert.equal(viaToken.statusCode, 403, 'the API token no longer carries AUDIT_ADMIN');
    const me = await get('/api/v1/me', token);
    assert.deepEqual(me.json().roles, ['GENERAL_USER']);
    assert.ok(!me.json().scopes.includes('admin'), 'nor the admin scope');
  });

  test('a revoked API token is refused at once although its introspection was cached', async () => {
    const ea = await auditorWithTokens();
    const list = await get('/api/v1/api-tokens', ea.session.token);
    const id = list.json().items[0].id;
    assert.equal((await app.api.delete(`/api/v1/api-tokens/${id}`, ea.session.token)).statusCode, 204);
    assertRevoked(await get('/api/v1/me', ea.token));
    assert.equal((await get('/api/v1/me', ea.session.token)).statusCode, 200, 'the session is not affected');
  });

  test('a new session after a role change carries the new roles', async () => {
    const user = await createBoxActor(app, { orgId, email: `gu${++n}@revoke.test`, roles: ['GENERAL_USER'] });
    await app.api.put(
      `/api/v1/users/${user.userId}/roles`,
      { roles: ['AUDIT_ADMIN', 'GENERAL_USER'] },
      admin.token,
    );
    assertRevoked(await get('/api/v1/me', user.token));
    const fresh = await app.services.identity!.sessions.issue(
      (await app.services.identity!.deps.users.userById(app.services.identity!.deps.db, user.userId))!,
      {},
    );
    const me = await get('/api/v1/me', fresh.accessToken);
    assert.equal(me.statusCode, 200, me.body);
    assert.deepEqual(me.json().roles, ['AUDIT_ADMIN', 'GENERAL_USER']);
  });

  test('the revocation list survives a reload from the database (another identity replica would see it)', async () => {
    const ea = await auditorWithTokens();
    await app.api.patch(`/api/v1/users/${ea.id}`, { disabled: true }, admin.token);
    const identity = app.services.identity!;
    await identity.revocations.reload(clock.now());
    assertRevoked(await get('/api/v1/me', ea.session.token));
    const snapshot = identity.revocations.snapshot();
    assert.ok(snapshot.users.some((u) => u.userId === ea.id));
  });
});
