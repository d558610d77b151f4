import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { call, startTestBox, type TestBox, uploadForm, userToken } from './helpers.ts';

const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest('hex');

describe('files, versions, content, uploads and folders', () => {
  let box: TestBox;
  let admin: string;
  before(async () => {
    box = await startTestBox();
    admin = await userToken(box, 'admin@demo.example');
  });
  after(() => box.close());
  const state = () => box.emulator.state;
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) =>
    call(box, method, path, { token: admin, ...opts });

  test('versions list only past versions, newest first, with Box’s limits', async () => {
    const file = state().fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    state().uploadNewVersion(file.id, 'v+1');
    state().uploadNewVersion(file.id, 'v+2');
    const res = await req('GET', `/2.0/files/${file.id}/versions`);
    assert.equal(res.body.total_count, file.versions.length - 1);
    assert.ok(!res.body.entries.some((v: { id: string }) => v.id === file.currentVersionId));
    const numbers = res.body.entries.map((v: { version_number: string }) => Number(v.version_number));
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => b - a),
    );
    const paged = await req('GET', `/2.0/files/${file.id}/versions?limit=1&offset=1`);
    assert.equal(paged.body.entries.length, 1);
    assert.equal(paged.body.entries[0].id, res.body.entries[1].id);
    assert.equal((await req('GET', `/2.0/files/${file.id}/versions?limit=5000`)).body.limit, 1000);
  });

  test('promoting a version copies it on top of the history', async () => {
    const file = state().fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    const old = file.versions[0]!;
    const res = await req('POST', `/2.0/files/${file.id}/versions/current`, {
      json: { type: 'file_version', id: old.id },
    });
    assert.equal(res.status, 201);
    assert.notEqual(res.body.id, old.id);
    assert.equal(res.body.sha1, old.sha1);
    const info = await req('GET', `/2.0/files/${file.id}?fields=sha1,file_version`);
    assert.equal(info.body.file_version.id, res.body.id);
    assert.equal(info.body.sha1, old.sha1);
    assert.equal(state().events({ itemId: file.id }).at(-1)!.event_type, 'FILE_VERSION_RESTORE');
    assert.equal(state().userEvents(file.ownerId).at(-1)!.event_type, 'ITEM_MAKE_CURRENT_VERSION');
  });

  test('a past version can be trashed and restored; the current one cannot be deleted', async () => {
    const file = state().fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!;
    const past = file.versions[1]!;
    assert.equal((await req('DELETE', `/2.0/files/${file.id}/versions/${past.id}`)).status, 204);
    const trashed = await req('GET', `/2.0/files/${file.id}/versions/${past.id}`);
    assert.ok(trashed.body.trashed_at);
    assert.equal(trashed.body.trashed_by.login, 'admin@demo.example');
    const deleteEvent = state().events({ itemId: file.id }).at(-1)!;
    assert.equal(deleteEvent.event_type, 'DELETE');
    assert.equal((deleteEvent.additional_details as { version_id: string }).version_id, past.id);
    const restored = await req('PUT', `/2.0/files/${file.id}/versions/${past.id}`, {
      json: { trashed_at: null },
    });
    assert.equal(restored.body.trashed_at, null);
    assert.ok(restored.body.restored_at);
    assert.equal(
      (await req('DELETE', `/2.0/files/${file.id}/versions/${file.currentVersionId}`)).status,
      400,
    );
  });

  test('content: a 302 to a short-lived same-origin URL with Range support and a version parameter', async () => {
    const file = state().fileByPath('Board/Minutes/2025/Minutes 2025-02.pdf')!;
    const bytes = state().content(file.id);
    const redirect = await req('GET', `/2.0/files/${file.id}/content`);
    assert.equal(redirect.status, 302);
    const location = redirect.headers.get('location')!;
    assert.ok(location.startsWith(box.url));
    const whole = Buffer.from(await (await fetch(location)).arrayBuffer());
    assert.equal(sha1(whole), sha1(bytes));
    const part = await fetch(location, { headers: { range: 'bytes=2-6' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 2-6/${bytes.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(2, 7));
    const tail = await fetch(location, { headers: { range: 'bytes=-4' } });
    assert.deepEqual(Buffer.from(await tail.arrayBuffer()), bytes.subarray(bytes.length - 4));
    assert.equal((await fetch(location, { headers: { range: `bytes=${bytes.length + 10}-` } })).status, 416);
    const v1 = file.versions[0]!;
    const old = await req('GET', `/2.0/files/${file.id}/content?version=${v1.id}`, { redirect: 'follow' });
    assert.equal(sha1(Buffer.from(old.text, 'utf8')), v1.sha1);
    box.clock.advance(16 * 60_000);
    assert.equal((await fetch(location)).status, 404);
    admin = await userToken(box, 'admin@demo.example');
  });

  test('uploads need attributes before the file, a matching content-md5, and a free name', async () => {
    const folder = state().folderByPath('Board/Resolutions')!;
    const bytes = Buffer.from('resolution text');
    const late = await req('POST', '/api/2.0/files/content', {
      body: uploadForm({ name: 'a.txt', parent: { id: folder.id } }, bytes, 'file-first'),
    });
    assert.equal(late.status, 400);
    assert.equal(late.body.code, 'metadata_after_file_contents');
    const mismatch = await req('POST', '/api/2.0/files/content', {
      body: uploadForm({ name: 'a.txt', parent: { id: folder.id } }, bytes),
      headers: { 'content-md5': sha1('other') },
    });
    assert.equal(mismatch.status, 400);
    const ok = await req('POST', '/api/2.0/files/content', {
      body: uploadForm({ name: 'a.txt', parent: { id: folder.id } }, bytes),
      headers: { 'content-md5': sha1(bytes) },
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.entries[0].sha1, sha1(bytes));
    assert.equal(ok.body.entries[0].owned_by.login, 'admin@demo.example');
    const clash = await req('POST', '/api/2.0/files/content', {
      body: uploadForm({ name: 'A.TXT', parent: { id: folder.id } }, bytes),
    });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.code, 'item_name_in_use');
    assert.equal(clash.body.context_info.conflicts[0].id, ok.body.entries[0].id);
    const stale = await req('POST', `/api/2.0/files/${ok.body.entries[0].id}/content`, {
      body: uploadForm({}, Buffer.from('x')),
      headers: { 'if-match': '99' },
    });
    assert.equal(stale.status, 412);
  });

  test('folder items page by offset and by marker; limit is clamped; offsets from 10000 are refused', async () => {
    const folder = state().createFolder(state().folderByPath('Board')!.id, 'Paging');
    for (let i = 0; i < 5; i++) state().createFile(folder.id, `f${i}.txt`, `file ${i}`);
    state().createFolder(folder.id, 'sub');
    const first = await req('GET', `/2.0/folders/${folder.id}/items?limit=2`);
    assert.equal(first.body.total_count, 6);
    assert.equal(first.body.entries[0].type, 'folder', 'folders first');
    const seen: string[] = [];
    let marker = '';
    for (let i = 0; i < 10; i++) {
      const page = await req(
        'GET',
        `/2.0/folders/${folder.id}/items?usemarker=true&limit=4${marker ? `&marker=${marker}` : ''}`,
      );
      seen.push(...page.body.entries.map((e: { id: string }) => e.id));
      assert.equal(page.body.total_count, undefined);
      if (!page.body.next_marker) break;
      marker = page.body.next_marker;
    }
    assert.equal(new Set(seen).size, 6);
    assert.equal((await req('GET', `/2.0/folders/${folder.id}/items?limit=5000`)).body.limit, 1000);
    assert.equal((await req('GET', `/2.0/folders/${folder.id}/items?offset=9999`)).status, 200);
    const tooFar = await req('GET', `/2.0/folders/${folder.id}/items?offset=10000`);
    assert.equal(tooFar.status, 400);
    const folderInfo = await req('GET', `/2.0/folders/${folder.id}`);
    assert.equal(folderInfo.body.item_collection.total_count, 6);
  });

  test('fields returns only the requested fields plus type, id and etag', async () => {
    const file = state().fileByPath('Board/Minutes/2025/Minutes 2025-03.pdf')!;
    const res = await req('GET', `/2.0/files/${file.id}?fields=name,sha1`);
    assert.deepEqual(Object.keys(res.body).sort(), ['etag', 'id', 'name', 'sha1', 'type']);
    const standard = await req('GET', `/2.0/files/${file.id}`);
    assert.ok('path_collection' in standard.body && !('version_number' in standard.body));
  });

  test('trash and restore; trashed files answer 404 trashed; files in a trashed folder are only reachable through it', async () => {
    const file = state().fileByPath('Board/Minutes/2025/Minutes 2025-03.pdf')!;
    assert.equal((await req('DELETE', `/2.0/files/${file.id}`)).status, 204);
    const gone = await req('GET', `/2.0/files/${file.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, 'trashed');
    const inTrash = await req('GET', `/2.0/files/${file.id}/trash`);
    assert.equal(inTrash.body.item_status, 'trashed');
    assert.equal((await req('POST', `/2.0/files/${file.id}`, { json: {} })).status, 201);
    const folder = state().folderByPath('Board/Minutes/2025')!;
    assert.equal((await req('DELETE', `/2.0/folders/${folder.id}?recursive=true`)).status, 204);
    assert.equal((await req('GET', `/2.0/files/${file.id}`)).body.code, 'trashed');
    assert.equal((await req('GET', `/2.0/files/${file.id}/trash`)).status, 404);
    assert.equal((await req('POST', `/2.0/folders/${folder.id}`, { json: {} })).status, 201);
    assert.equal((await req('GET', `/2.0/files/${file.id}`)).status, 200);
  });

  test('if-none-match answers 304 and a stale if-match answers 412', async () => {
    const file = state().fileByPath('Board/Minutes/2025/Minutes 2025-04.pdf')!;
    const etag = (await req('GET', `/2.0/files/${file.id}`)).body.etag;
    assert.equal(
      (await req('GET', `/2.0/files/${file.id}`, { headers: { 'if-none-match': etag } })).status,
      304,
    );
    const stale = await req('DELETE', `/2.0/files/${file.id}`, { headers: { 'if-match': `${etag}0` } });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'precondition_failed');
  });

  test('collaborations list pending invites and grant access to managed users at once', async () => {
    const folder = state().folderByPath('Compliance/SOX')!;
    const kenji = await userToken(box, 'kenji.mori@demo.example');
    assert.equal((await call(box, 'GET', `/2.0/folders/${folder.id}`, { token: kenji })).status, 404);
    const added = await req('POST', '/2.0/collaborations', {
      json: {
        item: { type: 'folder', id: folder.id },
        accessible_by: { type: 'user', id: state().user('kenji.mori@demo.example').id },
        role: 'viewer',
      },
    });
    assert.equal(added.body.status, 'accepted');
    assert.equal((await call(box, 'GET', `/2.0/folders/${folder.id}`, { token: kenji })).status, 200);
    const invite = await req('POST', '/2.0/collaborations', {
      json: {
        item: { type: 'folder', id: folder.id },
        accessible_by: { type: 'user', login: 'auditor@firm.example' },
        role: 'viewer',
      },
    });
    assert.equal(invite.body.status, 'pending');
    assert.equal(invite.body.invite_email, 'auditor@firm.example');
    const list = await req('GET', `/2.0/folders/${folder.id}/collaborations`);
    assert.ok(list.body.entries.some((c: { status: string }) => c.status === 'pending'));
    assert.equal((await req('DELETE', `/2.0/collaborations/${added.body.id}`)).status, 204);
    assert.equal((await call(box, 'GET', `/2.0/folders/${folder.id}`, { token: kenji })).status, 404);
    assert.equal(state().events({ itemId: folder.id }).at(-1)!.event_type, 'COLLABORATION_REMOVE');
  });
});
