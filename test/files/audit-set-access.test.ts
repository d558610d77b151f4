/**
 * The file API with the real audit service: an external auditor sees, previews and downloads exactly
 * the allowed files of the sets assigned to them — directly or through an audit group — and each
 * preview and download lands in the set's access log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Actor, createAuditor, signIn } from '../support/identity.ts';
import type { TestApp } from '../support/test-app.ts';
import { type Cast, createCast, type FileBox, startFileApp, startFileBox } from './file-support.ts';

describe('external auditors and audit sets, end to end', () => {
  let box: FileBox;
  let app: TestApp;
  let cast: Cast;
  let viaGroup: Actor;
  let outsider: Actor;
  let setId: string;
  const state = () => box.emulator.state;
  const ids = {} as Record<'board' | 'minutes2025' | 'jan' | 'feb' | 'resolution' | 'notes', string>;

  before(async () => {
    box = await startFileBox();
    app = await startFileApp(box);
    cast = await createCast(app, box);
    ids.board = state().folderByPath('Board')!.id;
    ids.minutes2025 = state().folderByPath('Board/Minutes/2025')!.id;
    ids.jan = state().fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!.id;
    ids.feb = state().fileByPath('Board/Minutes/2025/Minutes 2025-02.pdf')!.id;
    ids.resolution = state().fileByPath('Board/Resolutions/Resolution 2025-01 Dividend.pdf')!.id;
    ids.notes = state().fileByPath('Projects/Website Redesign/Notes.txt')!.id;
    const bootstrap = await signIn(app, 'bootstrap@files.test');
    await createAuditor(app, bootstrap.token, 'group-auditor@files.test');
    viaGroup = await signIn(app, 'group-auditor@files.test');
    await createAuditor(app, bootstrap.token, 'outsider@files.test');
    outsider = await signIn(app, 'outsider@files.test');

    const group = await app.api.post(
      '/api/v1/audit-groups',
      { name: 'Firm', memberIds: [viaGroup.userId] },
      cast.admin.token,
    );
    assert.equal(group.statusCode, 201, group.body);
    const set = await app.api.post(
      '/api/v1/audit-sets',
      {
        name: 'Board minutes 2025',
        collaborators: [{ userId: cast.auditor.userId, role: 'REVIEWER' }],
        groups: [group.json().id],
      },
      cast.admin.token,
    );
    assert.equal(set.statusCode, 201, set.body);
    setId = set.json().id;
    // Board, of which only the 2025 minutes, and not February's.
    const added = await app.api.post(
      `/api/v1/audit-sets/${setId}/items`,
      {
        itemId: ids.board,
        type: 'folder',
        rules: [
          { itemId: ids.minutes2025, itemType: 'folder', effect: 'include', scope: 'subtree' },
          { itemId: ids.feb, itemType: 'file', effect: 'exclude', scope: 'item' },
        ],
      },
      cast.admin.token,
    );
    assert.equal(added.statusCode, 202, added.body);
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('an auditor assigned directly or through a group opens, previews and downloads an allowed file', async () => {
    for (const ea of [cast.auditor, viaGroup]) {
      const details = await app.api.get(`/api/v1/files/${ids.jan}`, ea.token);
      assert.equal(details.statusCode, 200, details.body);
      assert.deepEqual(details.json().access.setIds, [setId]);
      for (const kind of ['preview', 'content']) {
        const res = await app.api.get(`/api/v1/files/${ids.jan}/${kind}`, ea.token);
        assert.equal(res.statusCode, 200, `${kind}: ${res.body}`);
        assert.deepEqual(res.rawPayload, state().content(ids.jan));
      }
    }
  });

  test('excluded files, files outside the set and other auditors get nothing', async () => {
    for (const id of [ids.feb, ids.resolution, ids.notes]) {
      for (const suffix of ['', '/content', '/preview', '/versions']) {
        const res = await app.api.get(`/api/v1/files/${id}${suffix}`, cast.auditor.token);
        assert.equal(res.statusCode, 404, `${id}${suffix}`);
      }
    }
    for (const suffix of ['', '/content']) {
      const res = await app.api.get(`/api/v1/files/${ids.jan}${suffix}`, outsider.token);
      assert.equal(res.statusCode, 404, `outsider ${suffix}`);
    }
  });

  test('browsing the set shows only allowed files, including ones uploaded later under the included branch', async () => {
    const later = state().createFile(ids.minutes2025, 'Minutes 2025-13.pdf', 'added after the set\n', {
      login: 'admin@demo.example',
    });
    const res = await app.api.get(`/api/v1/folders/${ids.minutes2025}/items?limit=500`, cast.auditor.token);
    assert.equal(res.statusCode, 200, res.body);
    const names = res.json().items.map((e: { id: string }) => e.id);
    assert.ok(names.includes(ids.jan) && names.includes(later.id));
    assert.ok(!names.includes(ids.feb), 'the excluded file is not listed');
    const opened = await app.api.get(`/api/v1/files/${later.id}/content`, cast.auditor.token);
    assert.equal(opened.statusCode, 200, opened.body);
    assert.equal(opened.rawPayload.toString(), 'added after the set\n');
  });

  test("each preview and download is in the set's access log, recorded by the server", async () => {
    const res = await app.api.get(
      `/api/v1/audit-sets/${setId}/access-logs?itemId=${ids.jan}&limit=100`,
      cast.admin.token,
    );
    assert.equal(res.statusCode, 200, res.body);
    const entries = res.json().items as { action: string; user: { id: string } }[];
    for (const ea of [cast.auditor, viaGroup]) {
      const mine = entries
        .filter((e) => e.user.id === ea.userId)
        .map((e) => e.action)
        .sort();
      assert.deepEqual(mine, ['DOWNLOAD', 'PREVIEW', 'VIEW']);
    }
    assert.ok(!entries.some((e) => e.user.id === outsider.userId));
  });
});
