/**
 * User management rules (product.md §2 and F1.5–F1.7): the Box enterprise admin keeps AUDIT_ADMIN, an
 * organisation keeps at least one audit admin, Box users hold only AUDIT_ADMIN/GENERAL_USER and
 * external auditors only EXTERNAL_AUDITOR; the external-auditor life cycle, invitation links, the
 * auditor-firm picklist and the language preference. Every change is published to the outbox.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/platform/clock.ts';
import {
  type Actor,
  assertWritesNothing,
  createAuditor,
  createBoxActor,
  identityOf,
  outboxTopics,
  signIn,
  userRow,
} from '../support/identity.ts';
import { invitationTokenIn, readEmlMessages } from '../support/mail.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

describe('user management rules', () => {
  const clock = createManualClock('2026-08-03T10:00:00Z');
  let app: TestApp;
  let n = 0;

  before(async () => {
    app = await startTestApp({ clock, env: { AUDITOR_INVITATION_TTL: '2d' } });
  });
  after(() => app.stop());

  /** A fresh organisation: password admin plus a Box enterprise admin. */
  async function organisation() {
    const tag = `o${++n}`;
    const { orgId } = await app.bootstrapAdmin(`admin-${tag}@rules.test`);
    const admin = await signIn(app, `admin-${tag}@rules.test`);
    const boxAdmin = await createBoxActor(app, {
      orgId,
      email: `boss-${tag}@rules.test`,
      roles: ['AUDIT_ADMIN', 'GENERAL_USER'],
      boxRole: 'admin',
    });
    return { tag, orgId, admin, boxAdmin };
  }
  const error = (res: { statusCode: number; json(): { error: { code: string } } }) =>
    `${res.statusCode} ${res.json().error.code}`;

  test('the Box enterprise admin can lose neither AUDIT_ADMIN nor the account', async () => {
    const { admin, boxAdmin } = await organisation();
    await assertWritesNothing(app, async () => {
      assert.equal(
        error(
          await app.api.put(
            `/api/v1/users/${boxAdmin.userId}/roles`,
            { roles: ['GENERAL_USER'] },
            admin.token,
          ),
        ),
        '409 BOX_ADMIN_KEEPS_AUDIT_ADMIN',
      );
      assert.equal(
        error(await app.api.patch(`/api/v1/users/${boxAdmin.userId}`, { disabled: true }, admin.token)),
        '409 BOX_ADMIN_KEEPS_AUDIT_ADMIN',
      );
      assert.equal(
        error(await app.api.delete(`/api/v1/users/${boxAdmin.userId}`, admin.token)),
        '409 BOX_ADMIN_KEEPS_AUDIT_ADMIN',
      );
    });
    const ok = await app.api.put(
      `/api/v1/users/${boxAdmin.userId}/roles`,
      { roles: ['AUDIT_ADMIN'] },
      admin.token,
    );
    assert.equal(ok.statusCode, 200, 'dropping GENERAL_USER is allowed: AUDIT_ADMIN stays');
  });

  test('the last audit admin cannot be demoted, and an organisation never ends up without one', async () => {
    const lone = await organisationWithoutBoxAdmin();
    // A co-admin granted AUDIT_ADMIN deletes the password admin and is then the only audit admin.
    const co = await createBoxActor(app, {
      orgId: lone.orgId,
      email: `co-${n}@rules.test`,
      roles: ['AUDIT_ADMIN', 'GENERAL_USER'],
      boxRole: 'coadmin',
    });
    assert.equal((await app.api.delete(`/api/v1/users/${lone.admin.userId}`, co.token)).statusCode, 204);
    await assertWritesNothing(app, async () => {
      assert.equal(
        error(await app.api.put(`/api/v1/users/${co.userId}/roles`, { roles: ['GENERAL_USER'] }, co.token)),
        '409 LAST_AUDIT_ADMIN',
      );
    });
    assert.deepEqual((await userRow(app, co.userId))?.roles, ['AUDIT_ADMIN', 'GENERAL_USER']);
  });

  test('a second audit admin can be demoted while another remains', async () => {
    const { orgId, tag, admin } = await organisation();
    const co = await createBoxActor(app, {
      orgId,
      email: `co3-${tag}@rules.test`,
      roles: ['AUDIT_ADMIN', 'GENERAL_USER'],
      boxRole: 'coadmin',
    });
    const res = await app.api.put(
      `/api/v1/users/${co.userId}/roles`,
      { roles: ['GENERAL_USER'] },
      admin.token,
    );
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await outboxTopics(app, co.userId), ['identity.roles_changed']);
  });

  test('Box users hold only AUDIT_ADMIN and GENERAL_USER; external auditors only EXTERNAL_AUDITOR; a password admin keeps AUDIT_ADMIN', async () => {
    const { orgId, tag, admin } = await organisation();
    const gu = await createBoxActor(app, { orgId, email: `gu-${tag}@rules.test`, roles: ['GENERAL_USER'] });
    const ea = await createAuditor(app, admin.token, `ea-${tag}@rules.test`);
    await assertWritesNothing(app, async () => {
      for (const roles of [['EXTERNAL_AUDITOR'], ['AUDIT_ADMIN', 'EXTERNAL_AUDITOR']])
        assert.equal(
          error(await app.api.put(`/api/v1/users/${gu.userId}/roles`, { roles }, admin.token)),
          '400 ROLE_NOT_ALLOWED',
        );
      for (const roles of [['GENERAL_USER'], ['AUDIT_ADMIN'], ['EXTERNAL_AUDITOR']])
        assert.equal(
          error(await app.api.put(`/api/v1/users/${ea.id}/roles`, { roles }, admin.token)),
          '400 ROLE_NOT_ALLOWED',
        );
      assert.equal(
        error(
          await app.api.put(`/api/v1/users/${admin.userId}/roles`, { roles: ['GENERAL_USER'] }, admin.token),
        ),
        '400 ROLE_NOT_ALLOWED',
      );
    });
    const both = await app.api.put(
      `/api/v1/users/${gu.userId}/roles`,
      { roles: ['AUDIT_ADMIN', 'GENERAL_USER'] },
      admin.token,
    );
    assert.deepEqual(both.json().roles, ['AUDIT_ADMIN', 'GENERAL_USER']);
    const aaOnly = await app.api.put(
      `/api/v1/users/${gu.userId}/roles`,
      { roles: ['AUDIT_ADMIN'] },
      admin.token,
    );
    assert.deepEqual(aaOnly.json().roles, ['AUDIT_ADMIN'], 'switching GENERAL_USER for AUDIT_ADMIN');
  });

  test('an audit admin cannot disable or delete themselves', async () => {
    const { admin } = await organisation();
    await assertWritesNothing(app, async () => {
      assert.equal(
        error(await app.api.delete(`/api/v1/users/${admin.userId}`, admin.token)),
        '409 CANNOT_DELETE_SELF',
      );
      assert.equal(
        error(await app.api.patch(`/api/v1/users/${admin.userId}`, { disabled: true }, admin.token)),
        '409 CANNOT_DELETE_SELF',
      );
    });
  });

  test('external auditor life cycle: create, edit, disable, enable, delete — each published, the email free again after deletion', async () => {
    const { tag, admin } = await organisation();
    const email = `life-${tag}@rules.test`;
    const ea = await createAuditor(app, admin.token, email, { auditorFirm: 'Firm One' });
    await app.api.patch(`/api/v1/users/${ea.id}`, { name: 'Renamed Person' }, admin.token);
    await app.api.patch(`/api/v1/users/${ea.id}`, { disabled: true }, admin.token);
    await app.api.patch(`/api/v1/users/${ea.id}`, { disabled: false }, admin.token);
    assert.equal((await app.api.delete(`/api/v1/users/${ea.id}`, admin.token)).statusCode, 204);
    assert.deepEqual(await outboxTopics(app, ea.id), [
      'identity.user_created',
      'identity.user_updated',
      'identity.user_updated',
      'identity.user_updated',
      'identity.user_deleted',
    ]);
    const row = await userRow(app, ea.id);
    assert.ok(row?.deleted_at, 'the row stays (its id is in the ledger) but is marked deleted');
    assert.equal(row?.password_hash, null, 'and its credentials are gone');
    const again = await createAuditor(app, admin.token, email);
    assert.notEqual(again.id, ea.id, 'the email can be used for a new account');
  });

  test('an invitation creates an account that cannot sign in until the link is used; the link expires', async () => {
    const { tag, admin } = await organisation();
    const email = `invited-${tag}@rules.test`;
    const created = await app.api.post(
      '/api/v1/users',
      { email, name: 'Invited', invite: true, language: 'ja' },
      admin.token,
    );
    assert.equal(created.statusCode, 201);
    await identityOf(app).deps.mail.flush();
    const mail = readEmlMessages(app.config.AUDITOR_DATA_DIR).find((m) => m.to.join().includes(email))!;
    assert.match(mail.text, /招待/, 'the invitation is written in the invitee’s language');
    assert.match(mail.text, /http:\/\/auditor\.test\/accept-invitation#token=/);
    const token = invitationTokenIn(mail.text);
    const early = await app.api.post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
    assert.equal(error(early), '401 INVALID_CREDENTIALS');

    const late = `late-${tag}@rules.test`;
    await app.api.post('/api/v1/users', { email: late, name: 'Late', invite: true }, admin.token);
    await identityOf(app).deps.mail.flush();
    const lateToken = invitationTokenIn(
      readEmlMessages(app.config.AUDITOR_DATA_DIR).find((m) => m.to.join().includes(late))!.text,
    );
    assert.equal(
      (await app.api.post('/api/v1/auth/invitation/accept', { token, password: 'my password is long' }))
        .statusCode,
      204,
    );
    clock.advance(2 * 86_400_000 + 1000);
    assert.equal(
      error(
        await app.api.post('/api/v1/auth/invitation/accept', {
          token: lateToken,
          password: 'my password is long',
        }),
      ),
      '400 INVITATION_INVALID',
    );
    await signIn(app, email, 'my password is long');
  });

  test('auditor firms form a per-organisation picklist fed by new auditors, without duplicates', async () => {
    const { tag, admin } = await organisation();
    const other = await organisationWithoutBoxAdmin();
    await createAuditor(app, admin.token, `f1-${tag}@rules.test`, { auditorFirm: 'Tohmatsu & Co' });
    await createAuditor(app, admin.token, `f2-${tag}@rules.test`, { auditorFirm: 'tohmatsu & co' });
    await app.api.post('/api/v1/organizations', { name: 'KPMG' }, admin.token);
    const firms = (await app.api.get('/api/v1/organizations', admin.token))
      .json()
      .items.filter((o: { kind: string }) => o.kind === 'auditor_firm');
    assert.deepEqual(firms.map((f: { name: string }) => f.name).sort(), ['KPMG', 'Tohmatsu & Co']);
    const theirs = (await app.api.get('/api/v1/organizations', other.admin.token)).json().items;
    assert.ok(!theirs.some((o: { name: string }) => o.name === 'KPMG'), 'firms are per organisation');
  });

  test('the language preference is kept per user and changes nothing else', async () => {
    const { tag, admin } = await organisation();
    const ea = await createAuditor(app, admin.token, `lang-${tag}@rules.test`);
    const session = await signIn(app, ea.email);
    const res = await app.api.patch('/api/v1/me', { language: 'ja' }, session.token);
    assert.equal(res.json().language, 'ja');
    assert.equal((await app.api.get(`/api/v1/users/${ea.id}`, admin.token)).json().language, 'ja');
    assert.equal(
      (await app.api.get('/api/v1/me', admin.token)).json().language,
      'en',
      "the admin's own stays",
    );
    assert.deepEqual(await outboxTopics(app, ea.id), ['identity.user_created', 'identity.user_updated']);
  });

  async function organisationWithoutBoxAdmin(): Promise<{ orgId: string; admin: Actor }> {
    const tag = `p${++n}`;
    const { orgId } = await app.bootstrapAdmin(`solo-${tag}@rules.test`);
    return { orgId, admin: await signIn(app, `solo-${tag}@rules.test`) };
  }
});
