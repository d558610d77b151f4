/**
 * "My audit sets" (product.md F5.1, F5.2): each role sees the sets it should, with what it is to
 * each — its role (directly, or REVIEWER through an audit group), NEW until an external auditor
 * first opens the set and IN REVIEW after, its favourites, the item count — and the list filters
 * agree with those fields.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type Cast,
  createAuditSet,
  createCast,
  type FileBox,
  startFileApp,
  startFileBox,
} from '../files/file-support.ts';
import { createAuditor, signIn } from '../support/identity.ts';
import type { TestApp } from '../support/test-app.ts';

interface SetEntry {
  id: string;
  name: string;
  myRole: string | null;
  accessStatus: 'NEW' | 'IN_REVIEW' | null;
  favourite: boolean;
  itemCount: number;
  owner: { email: string } | null;
}

describe('my audit sets', () => {
  let box: FileBox;
  let app: TestApp;
  let cast: Cast;
  let groupAuditor: { token: string; userId: string };
  const sets = {} as Record<'direct' | 'viaGroup' | 'members', string>;

  const list = async (token: string, filter?: string): Promise<SetEntry[]> => {
    const res = await app.api.get(`/api/v1/audit-sets${filter ? `?filter=${filter}` : ''}`, token);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items;
  };
  const byName = (entries: SetEntry[]) => Object.fromEntries(entries.map((e) => [e.name, e]));

  before(async () => {
    box = await startFileBox();
    app = await startFileApp(box);
    cast = await createCast(app, box);
    const bootstrap = await signIn(app, 'bootstrap@files.test');
    await createAuditor(app, bootstrap.token, 'firm-auditor@files.test');
    groupAuditor = await signIn(app, 'firm-auditor@files.test');
    const group = await app.api.post(
      '/api/v1/audit-groups',
      { name: 'Firm', memberIds: [groupAuditor.userId] },
      cast.admin.token,
    );
    assert.equal(group.statusCode, 201, group.body);

    const state = box.emulator.state;
    sets.direct = await createAuditSet(app, cast.admin.token, {
      name: 'Direct review',
      collaborators: [{ userId: cast.auditor.userId, role: 'REVIEWER' }],
      items: [
        { itemId: state.fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!.id, type: 'file' },
        { itemId: state.fileByPath('Board/Minutes/2025/Minutes 2025-02.pdf')!.id, type: 'file' },
      ],
    });
    const viaGroup = await app.api.post(
      '/api/v1/audit-sets',
      { name: 'Group review', collaborators: [], groups: [group.json().id] },
      cast.admin.token,
    );
    assert.equal(viaGroup.statusCode, 201, viaGroup.body);
    sets.viaGroup = viaGroup.json().id;
    sets.members = await createAuditSet(app, cast.admin.token, {
      name: 'Members only',
      collaborators: [{ userId: cast.user.userId, role: 'MEMBER' }],
      items: [],
    });
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('an audit admin sees every set, owns the ones it made, with their item counts', async () => {
    const all = byName(await list(cast.admin.token));
    assert.deepEqual(Object.keys(all).sort(), ['Direct review', 'Group review', 'Members only']);
    assert.equal(all['Direct review']!.myRole, 'OWNER');
    assert.equal(all['Direct review']!.itemCount, 2);
    assert.equal(all['Members only']!.itemCount, 0);
    assert.equal(all['Direct review']!.owner?.email, 'admin@demo.example');
    assert.equal(all['Direct review']!.accessStatus, null, 'NEW / IN REVIEW is for reviewers');
  });

  test('a general user sees only the sets it collaborates on, with its role', async () => {
    const mine = await list(cast.user.token);
    assert.deepEqual(
      mine.map((s) => [s.name, s.myRole, s.accessStatus]),
      [['Members only', 'MEMBER', null]],
    );
  });

  test('an auditor assigned directly or through a group is a REVIEWER, NEW until it opens the set', async () => {
    const direct = await list(cast.auditor.token);
    assert.deepEqual(
      direct.map((s) => [s.name, s.myRole, s.accessStatus]),
      [['Direct review', 'REVIEWER', 'NEW']],
    );
    const grouped = await list(groupAuditor.token);
    assert.deepEqual(
      grouped.map((s) => [s.name, s.myRole, s.accessStatus]),
      [['Group review', 'REVIEWER', 'NEW']],
    );
    assert.deepEqual(
      (await list(cast.auditor.token, 'new')).map((s) => s.name),
      ['Direct review'],
    );
    assert.deepEqual(await list(cast.auditor.token, 'in_review'), []);

    const opened = await app.api.get(`/api/v1/audit-sets/${sets.direct}/items`, cast.auditor.token);
    assert.equal(opened.statusCode, 200, opened.body);
    assert.equal((await list(cast.auditor.token))[0]!.accessStatus, 'IN_REVIEW');
    assert.deepEqual(await list(cast.auditor.token, 'new'), []);
    assert.deepEqual(
      (await list(cast.auditor.token, 'in_review')).map((s) => s.name),
      ['Direct review'],
    );
    assert.equal((await list(groupAuditor.token))[0]!.accessStatus, 'NEW', 'opening is per auditor');
  });

  test('favourites are per user, shown on each set and filtered on', async () => {
    const put = await app.api.put(
      `/api/v1/audit-sets/${sets.members}/favourite`,
      { favourite: true },
      cast.admin.token,
    );
    assert.equal(put.statusCode, 204, put.body);
    const all = byName(await list(cast.admin.token));
    assert.equal(all['Members only']!.favourite, true);
    assert.equal(all['Direct review']!.favourite, false);
    assert.deepEqual(
      (await list(cast.admin.token, 'favourites')).map((s) => s.name),
      ['Members only'],
    );
    assert.equal((await list(cast.user.token))[0]!.favourite, false, 'another user’s favourite');
  });
});
