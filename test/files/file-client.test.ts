import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { moveItem } from '../../box-emulator/ops-files.ts';
import { createServiceHttpClient } from '../../src/platform/service-http-client.ts';
import { createFileHttpClient, type FileClient } from '../../src/services/file/file-client.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  ancestorsOf,
  boxCallsFor,
  type Cast,
  createCast,
  db,
  deliver,
  enrichUntilIdle,
  type FileBox,
  fileService,
  startFileApp,
  startFileBox,
  topItem,
} from './file-support.ts';

describe('the file client other services call', () => {
  let box: FileBox;
  let app: TestApp;
  let cast: Cast;
  let files: FileClient;
  const state = () => box.emulator.state;
  let board: string;
  let minutes2025: string;
  let resolutions: string;
  let minutes: string;

  /** Every live item below a folder in the local Box, as ids. */
  const below = (folderId: string, kind?: 'file' | 'folder'): string[] => {
    const out: string[] = [];
    const walk = (id: string) => {
      for (const c of state().store.children(id)) {
        if (c.trashedMs !== null) continue;
        if (!kind || c.kind === kind) out.push(c.id);
        if (c.kind === 'folder') walk(c.id);
      }
    };
    walk(folderId);
    return out.sort();
  };

  before(async () => {
    box = await startFileBox();
    app = await startFileApp(box);
    cast = await createCast(app, box);
    files = fileService(app).client;
    board = state().folderByPath('Board')!.id;
    minutes2025 = state().folderByPath('Board/Minutes/2025')!.id;
    resolutions = state().folderByPath('Board/Resolutions')!.id;
    minutes = state().fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!.id;
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('filesUnder walks a folder tree as the given user, bounded by max, and catalogues what it saw', async () => {
    const few = await files.filesUnder(cast.orgId, board, { asUser: cast.admin.boxUserId, max: 3 });
    assert.equal(few.length, 3);
    const all = await files.filesUnder(cast.orgId, board, { asUser: cast.admin.boxUserId, max: 1000 });
    assert.deepEqual(all.map((f) => f.itemId).sort(), below(board, 'file'));
    const one = all.find((f) => f.itemId === minutes)!;
    assert.deepEqual(one.ancestorIds, ancestorsOf(box, minutes));
    assert.equal(one.ownerId, cast.admin.boxUserId);
    assert.equal(one.sha1, state().currentVersion(minutes).sha1);
    const hidden = await files
      .filesUnder(cast.orgId, board, { asUser: cast.user.boxUserId, max: 1000 })
      .catch((e) => e);
    assert.deepEqual(
      [hidden.status, hidden.code],
      [404, 'BOX_ITEM_NOT_FOUND'],
      'Box does not show Board to Demo User',
    );
  });

  test('descendants answer from the catalogue, every known item below the folder', async () => {
    assert.deepEqual((await files.descendants(cast.orgId, board)).sort(), below(board));
    assert.deepEqual((await files.descendants(cast.orgId, resolutions)).sort(), below(resolutions));
  });

  test('allowedItemIds applies the sets rules to the catalogued items', async () => {
    const excluded = state().fileByPath('Board/Minutes/2025/Minutes 2025-02.pdf')!.id;
    const tops = [
      topItem('folder', board, [
        { itemId: minutes2025, itemType: 'folder', effect: 'include', scope: 'subtree' },
        { itemId: excluded, itemType: 'file', effect: 'exclude', scope: 'item' },
      ]),
      topItem('file', state().fileByPath('Board/Resolutions/Resolution 2025-01 Dividend.pdf')!.id),
    ];
    const allowed = (await files.allowedItemIds(cast.orgId, tops)).sort();
    const expected = [
      minutes2025,
      ...below(minutes2025).filter((id) => id !== excluded),
      tops[1]!.itemId,
    ].sort();
    assert.deepEqual(allowed, expected);
    assert.deepEqual(await files.allowedItemIds(cast.orgId, []), []);
  });

  test('items come from the catalogue while fresh, else from Box as the owner', async () => {
    const ref = { itemType: 'file' as const, itemId: minutes };
    const mark = box.clock.now().toISOString();
    const [fresh] = await files.items(cast.orgId, [ref]);
    assert.deepEqual(fresh!.ancestorIds, ancestorsOf(box, minutes));
    assert.equal(boxCallsFor(box, minutes, mark).length, 0, 'fresh from the catalogue');
    box.clock.advance(5 * 60_000 + 1);
    const [stale] = await files.items(cast.orgId, [ref]);
    const calls = boxCallsFor(box, minutes, mark);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.asUserId, cast.admin.boxUserId, 'read as the owner');
    assert.deepEqual(stale, fresh);
    assert.deepEqual(await files.items(cast.orgId, [{ itemType: 'file', itemId: '1999999999' }]), []);
  });

  test("a collaborator's view is completed from the owner's: ancestry always starts at the root", async () => {
    const shared = state().fileUnder('Finance/2025/')!;
    const [info] = await files.items(cast.orgId, [{ itemType: 'file', itemId: shared.id }], {
      asUser: cast.user.boxUserId,
    });
    assert.deepEqual(info!.ancestorIds, ancestorsOf(box, shared.id));
    assert.equal(info!.ownerId, shared.ownerId);
    const reads = boxCallsFor(box, shared.id).map((r) => r.asUserId);
    assert.deepEqual(reads, [cast.user.boxUserId, shared.ownerId]);
  });

  test('children lists one page as the given user and places the entries below the folder', async () => {
    const page = await files.children(cast.orgId, minutes2025, { asUser: cast.admin.boxUserId, limit: 2 });
    assert.equal(page.items.length, 2);
    assert.ok(page.nextMarker);
    for (const item of page.items)
      assert.deepEqual(item.ancestorIds, [...ancestorsOf(box, minutes2025), minutes2025]);
    const next = await files.children(cast.orgId, minutes2025, {
      asUser: cast.admin.boxUserId,
      limit: 100,
      marker: page.nextMarker!,
    });
    assert.deepEqual(
      [...page.items, ...next.items].map((i) => i.itemId).sort(),
      below(minutes2025).filter((id) => state().store.item(id)!.parentId === minutes2025),
    );
  });

  test('observeFile reads Box every time, never a cache, and records every version with the current one', async () => {
    await app.api.get(`/api/v1/files/${minutes}`, cast.admin.token); // fills the details cache
    const first = await files.observeFile(cast.orgId, minutes, {
      asUser: cast.admin.boxUserId,
      source: 'verification',
    });
    const versions = state().file(minutes)!.versions;
    assert.equal(first.status, 'active');
    assert.equal(first.recorded.length, versions.length);
    assert.deepEqual(first.recorded.map((r) => r.versionId).sort(), versions.map((v) => v.id).sort());
    assert.equal(first.versions.length, versions.length - 1, 'Box lists past versions only');

    box.emulator.controls.tamper({
      action: 'change-content',
      fileId: minutes,
      bytes: 'not what was recorded',
    });
    const second = await files.observeFile(cast.orgId, minutes, {
      asUser: cast.admin.boxUserId,
      source: 'verification',
    });
    assert.equal(second.file!.sha1, state().currentVersion(minutes).sha1);
    assert.notEqual(second.file!.sha1, first.file!.sha1, 'the change is seen at once');
    assert.ok(second.recorded.every((r) => !first.recorded.some((f) => f.observationId === r.observationId)));
    const details = await app.api.get(`/api/v1/files/${minutes}`, cast.admin.token);
    assert.equal(details.json().sha1, second.file!.sha1, 'an observation also refreshes the cached details');

    const rows = await sql<{ n: number }>`
      select count(*)::int as n from file.observations where file_id = ${minutes} and source = 'verification'`.execute(
      db(app),
    );
    assert.equal(rows.rows[0]?.n, first.recorded.length + second.recorded.length);
    const missing = await files.observeFile(cast.orgId, '1999999999', {
      asUser: cast.admin.boxUserId,
      source: 'baseline',
    });
    assert.deepEqual([missing.status, missing.file, missing.recorded], ['not_found', null, []]);
  });

  test('a moved folder takes its known descendants with it', async () => {
    await sql`insert into event.org_streams (org_id, enterprise_id, stream_position)
              values (${cast.orgId}, ${box.emulator.enterprise.id}, ${state().latestStreamPosition()})`.execute(
      db(app),
    );
    const store = state().store;
    const admin = state().user('admin@demo.example');
    moveItem(
      store,
      { at: store.now(), actor: admin, ip: '10.0.0.1' },
      store.folders.get(resolutions)!,
      minutes2025,
    );
    const ingester = app.services.event!.ingester;
    for (let i = 0; i < 10 && (await ingester.tick()); i++);
    await deliver(app);
    await enrichUntilIdle(app, box);
    const moved = await sql<{ item_id: string; ancestor_ids: string[] }>`
      select item_id, ancestor_ids from file.items where org_id = ${cast.orgId} and ${resolutions} = any(ancestor_ids)`.execute(
      db(app),
    );
    assert.ok(moved.rows.length > 0);
    for (const r of moved.rows) assert.deepEqual(r.ancestor_ids, ancestorsOf(box, r.item_id), r.item_id);
    assert.ok((await files.descendants(cast.orgId, minutes2025)).includes(resolutions));
  });

  test('the HTTP client reaches the same implementation through the internal routes', async () => {
    const http = createFileHttpClient(createServiceHttpClient(app.url, app.platform.serviceSecret, 'test'));
    assert.deepEqual(
      (await http.descendants(cast.orgId, board)).sort(),
      (await files.descendants(cast.orgId, board)).sort(),
    );
    const ref = { itemType: 'file' as const, itemId: minutes };
    assert.deepEqual(await http.items(cast.orgId, [ref]), await files.items(cast.orgId, [ref]));
    const observed = await http.observeFile(cast.orgId, minutes, {
      asUser: cast.admin.boxUserId,
      source: 'baseline',
    });
    assert.equal(observed.recorded.length, state().file(minutes)!.versions.length);
    const page = await http.children(cast.orgId, minutes2025, { asUser: cast.admin.boxUserId, limit: 1 });
    assert.equal(page.items.length, 1);
    const refused = await createFileHttpClient(createServiceHttpClient(app.url, 'wrong secret', 'test'))
      .descendants(cast.orgId, board)
      .catch((e) => e);
    assert.equal(refused.status, 401);
  });
});
