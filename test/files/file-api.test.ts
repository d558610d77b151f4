import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { TestApp } from '../support/test-app.ts';
import {
  accessLog,
  type Cast,
  createAuditSet,
  createCast,
  db,
  deliver,
  enrichUntilIdle,
  type FileBox,
  fileService,
  startFileApp,
  startFileBox,
} from './file-support.ts';

describe('the file API', () => {
  let box: FileBox;
  let app: TestApp;
  let cast: Cast;
  const state = () => box.emulator.state;
  const path = (p: string) => state().fileByPath(p)!;
  const get = (url: string, token: string) => app.api.get(url, token);

  // Fixtures of the demo enterprise that history leaves in place (box-emulator/README.md).
  let minutes: string; // Board/Minutes/2025/Minutes 2025-01.pdf (Demo Admin's; not shared with Demo User)
  let resolution: string; // Board/Resolutions/Resolution 2025-01 Dividend.pdf
  let controls: string; // Compliance/SOX/Controls Matrix.xlsx
  let notes: string; // Projects/Website Redesign/Notes.txt (Demo User's)
  let board: string;
  let minutesFolder: string;
  let minutes2025: string;
  let resolutions: string;
  let sox: string;
  let boardSet: string;

  before(async () => {
    box = await startFileBox();
    app = await startFileApp(box);
    cast = await createCast(app, box);
    minutes = path('Board/Minutes/2025/Minutes 2025-01.pdf').id;
    resolution = path('Board/Resolutions/Resolution 2025-01 Dividend.pdf').id;
    controls = path('Compliance/SOX/Controls Matrix.xlsx').id;
    notes = path('Projects/Website Redesign/Notes.txt').id;
    board = state().folderByPath('Board')!.id;
    minutesFolder = state().folderByPath('Board/Minutes')!.id;
    minutes2025 = state().folderByPath('Board/Minutes/2025')!.id;
    resolutions = state().folderByPath('Board/Resolutions')!.id;
    sox = state().folderByPath('Compliance/SOX')!.id;
    // The auditor's set: Board, but only the 2025 minutes (Resolutions are left out), and SOX.
    boardSet = await createAuditSet(app, cast.admin.token, {
      name: 'Board 2025',
      collaborators: [{ userId: cast.auditor.userId, role: 'REVIEWER' }],
      items: [
        {
          itemId: board,
          type: 'folder',
          rules: [{ itemId: minutes2025, itemType: 'folder', effect: 'include', scope: 'subtree' }],
        },
        { itemId: sox, type: 'folder' },
      ],
    });
    // What the verification service does when items join a set: record them as their owner sees them.
    const files = fileService(app).client;
    for (const folder of [board, sox])
      await files.filesUnder(cast.orgId, folder, { asUser: cast.admin.boxUserId, max: 1000 });
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('an audit admin sees a file with its path, owner and current version, read as the owner', async () => {
    const res = await get(`/api/v1/files/${minutes}`, cast.admin.token);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const current = state().currentVersion(minutes);
    assert.equal(body.name, 'Minutes 2025-01.pdf');
    assert.deepEqual(
      body.path.map((p: { name: string }) => p.name),
      ['All Files', 'Board', 'Minutes', '2025'],
    );
    assert.equal(body.owner.login, 'admin@demo.example');
    assert.equal(body.sha1, current.sha1);
    assert.deepEqual(body.currentVersion, {
      id: current.id,
      versionNumber: String(state().file(minutes)!.versions.length),
      sha1: current.sha1,
      size: current.size,
    });
    assert.equal(body.status, 'active');
    assert.deepEqual(body.access, { via: 'organisation', setIds: [] });
    assert.deepEqual(body.monitoring, { monitored: true, sets: [{ id: boardSet, name: 'Board 2025' }] });
    const reads = box.emulator.controls.requests({ pathPrefix: `/2.0/files/${minutes}` });
    assert.ok(reads.length > 0 && reads.every((r) => r.asUserId === cast.admin.boxUserId));
  });

  test('the version history includes the current version, newest first, and pages with cursors', async () => {
    const expected = [...state().file(minutes)!.versions].reverse();
    const seen: { id: string; current: boolean; sha1: string; versionNumber: string; size: number }[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(
        `/api/v1/files/${minutes}/versions?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        cast.admin.token,
      );
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json();
      if (seen.length > 0) assert.ok(page.prevCursor, 'later pages can go back');
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen.map((v) => v.id),
      expected.map((v) => v.id),
    );
    assert.deepEqual(
      seen.map((v) => v.sha1),
      expected.map((v) => v.sha1),
    );
    assert.equal(seen[0]!.current, true);
    assert.equal(seen[0]!.id, state().currentVersion(minutes).id);
    assert.ok(seen.slice(1).every((v) => !v.current));
    assert.deepEqual(
      seen.map((v) => Number(v.versionNumber)),
      expected.map((_, i) => expected.length - i),
    );
  });

  test('an external auditor sees the files their set allows, with the path from the set item down, and each view is logged', async () => {
    const res = await get(`/api/v1/files/${minutes}`, cast.auditor.token);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(
      body.path.map((p: { name: string }) => p.name),
      ['Board', 'Minutes', '2025'],
      'nothing above the set item',
    );
    assert.deepEqual(body.access, { via: 'set', setIds: [boardSet] });
    assert.deepEqual(body.monitoring.sets, [{ id: boardSet, name: 'Board 2025' }]);
    assert.deepEqual(
      (await accessLog(app)).filter((e) => e.user_id === cast.auditor.userId),
      [{ user_id: cast.auditor.userId, item_id: minutes, set_id: boardSet, action: 'VIEW' }],
    );
  });

  test('an external auditor cannot open a file outside their sets, nor learn that it exists', async () => {
    const logged = (await accessLog(app)).length;
    for (const id of [resolution, notes, '1999999999']) {
      for (const suffix of ['', '/versions', '/copies', '/collaborators', '/content', '/preview']) {
        const res = await get(`/api/v1/files/${id}${suffix}`, cast.auditor.token);
        assert.equal(res.statusCode, 404, `${id}${suffix}: ${res.body}`);
        assert.equal(res.json().error.code, 'FILE_NOT_FOUND');
      }
    }
    const otherSet = await get(`/api/v1/files/${minutes}?setId=${randomUUID()}`, cast.auditor.token);
    assert.equal(otherSet.statusCode, 404, 'not through a set that is not theirs');
    assert.equal((await accessLog(app)).length, logged, 'refused requests log nothing');
  });

  test('a general user sees what Box shows them, as they see it, and nothing else', async () => {
    const own = await get(`/api/v1/files/${notes}`, cast.user.token);
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().access.via, 'box');
    const shared = state().fileUnder('Finance/2025/')!;
    const viaShare = await get(`/api/v1/files/${shared.id}`, cast.user.token);
    assert.equal(viaShare.statusCode, 200, viaShare.body);
    assert.equal(viaShare.json().path[0].name, 'All Files');
    assert.equal(viaShare.json().path[1].name, '2025', 'Box shows them the path from the shared folder');
    const notShared = await get(`/api/v1/files/${minutes}`, cast.user.token);
    assert.equal(notShared.statusCode, 404);
  });

  test('a general user also sees the files of audit sets they collaborate on', async () => {
    const setId = await createAuditSet(app, cast.admin.token, {
      name: 'Resolutions',
      collaborators: [{ userId: cast.user.userId, role: 'MEMBER' }],
      items: [{ itemId: resolution, type: 'file' }],
    });
    try {
      const res = await get(`/api/v1/files/${resolution}`, cast.user.token);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().access, { via: 'set', setIds: [setId] });
      assert.deepEqual(res.json().path, [], 'the set holds the file alone');
    } finally {
      assert.equal((await app.api.delete(`/api/v1/audit-sets/${setId}`, cast.admin.token)).statusCode, 204);
    }
    assert.equal(
      (await get(`/api/v1/files/${resolution}`, cast.user.token)).statusCode,
      404,
      'not once the set is gone',
    );
  });

  test('copies list every known file with the same sha1 but never the file itself, trashed ones marked', async () => {
    const bytes = state().content(minutes);
    await sql`insert into event.org_streams (org_id, enterprise_id, stream_position)
              values (${cast.orgId}, ${box.emulator.enterprise.id}, ${state().latestStreamPosition()})`.execute(
      db(app),
    );
    const inSox = state().createFile(sox, 'Minutes copy.pdf', bytes, { login: 'admin@demo.example' });
    const inResolutions = state().createFile(resolutions, 'Minutes copy.pdf', bytes, {
      login: 'admin@demo.example',
    });
    const inProjects = state().createFile(state().folderByPath('Projects')!.id, 'Minutes copy.pdf', bytes, {
      login: 'user@demo.example',
    });
    const trashed = state().createFile(sox, 'Old minutes copy.pdf', bytes, { login: 'admin@demo.example' });
    state().trash(trashed.id, { login: 'admin@demo.example' });
    const ingester = app.services.event!.ingester;
    for (let i = 0; i < 10 && (await ingester.tick()); i++);
    await deliver(app);
    await enrichUntilIdle(app, box);

    const copiesOf = async (id: string, token: string) => {
      const res = await get(`/api/v1/files/${id}/copies?limit=2`, token);
      assert.equal(res.statusCode, 200, res.body);
      const items = [...res.json().items];
      let cursor = res.json().nextCursor;
      while (cursor) {
        const next = await get(`/api/v1/files/${id}/copies?limit=2&cursor=${cursor}`, token);
        items.push(...next.json().items);
        cursor = next.json().nextCursor;
      }
      return items as {
        fileId: string;
        versionId: string;
        status: string;
        path: { name: string }[];
        currentVersion: boolean;
      }[];
    };

    const all = await copiesOf(minutes, cast.admin.token);
    const ids = new Set(all.map((c) => c.fileId));
    assert.ok(!ids.has(minutes), 'never the file itself');
    for (const f of [inSox, inResolutions, inProjects, trashed])
      assert.ok(ids.has(f.id), `copy ${f.name} in ${f.id}`);
    assert.equal(all.find((c) => c.fileId === trashed.id)?.status, 'trashed');
    assert.equal(all.find((c) => c.fileId === inSox.id)?.status, 'active');
    assert.ok(all.find((c) => c.fileId === inSox.id)?.currentVersion);

    // The auditor's set allows SOX and the 2025 minutes, not Resolutions nor Projects.
    const forAuditor = await copiesOf(minutes, cast.auditor.token);
    assert.deepEqual(forAuditor.map((c) => c.fileId).sort(), [inSox.id, trashed.id].sort());
    assert.deepEqual(
      forAuditor.find((c) => c.fileId === inSox.id)!.path.map((p) => p.name),
      ['SOX'],
    );
    // Copies of a copy include the original, still never itself.
    const ofCopy = (await copiesOf(inSox.id, cast.admin.token)).map((c) => c.fileId);
    assert.ok(ofCopy.includes(minutes) && !ofCopy.includes(inSox.id));
    // A general user without sets sees only their own copies.
    const forUser = (await copiesOf(inProjects.id, cast.user.token)).map((c) => c.fileId);
    assert.deepEqual(forUser, []);
  });

  test('collaborators list the owner and the Box collaborations', async () => {
    const finance2025 = state().folderByPath('Finance/2025')!;
    const res = await get(`/api/v1/folders/${finance2025.id}/collaborators`, cast.admin.token);
    assert.equal(res.statusCode, 200, res.body);
    const items = res.json().items as { role: string; accessibleBy: { login: string } | null }[];
    assert.equal(items[0]!.role, 'owner');
    assert.ok(
      items.some((c) => c.accessibleBy?.login === 'user@demo.example'),
      JSON.stringify(items),
    );
    const file = await get(`/api/v1/files/${minutes}/collaborators`, cast.admin.token);
    assert.equal(file.statusCode, 200);
    assert.equal(file.json().items[0].accessibleBy.login, 'admin@demo.example');
  });

  test('a folder lists page by page with an opaque cursor, as Box shows it to a Box user', async () => {
    const expected = box.emulator.state.store
      .children(minutes2025)
      .filter((c) => c.trashedMs === null)
      .map((c) => c.id)
      .sort();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(
        `/api/v1/folders/${minutes2025}/items?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        cast.admin.token,
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(res.json().items.length <= 2);
      seen.push(...res.json().items.map((e: { id: string }) => e.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    assert.deepEqual(seen.sort(), expected);
    const details = await get(`/api/v1/folders/${minutes2025}`, cast.admin.token);
    assert.equal(details.statusCode, 200);
    assert.equal(details.json().name, '2025');
    const root = await get('/api/v1/folders/0/items', cast.user.token);
    assert.equal(root.statusCode, 200, root.body);
    assert.ok(root.json().items.some((e: { name: string }) => e.name === 'Projects'));
  });

  test('through a set, an external auditor browses only what the rules allow', async () => {
    const list = async (id: string) => {
      const res = await get(`/api/v1/folders/${id}/items?limit=500`, cast.auditor.token);
      assert.equal(res.statusCode, 200, `${id}: ${res.body}`);
      return res.json().items as { id: string; name: string; allowed: boolean }[];
    };
    assert.deepEqual(
      (await list(board)).map((e) => [e.name, e.allowed]),
      [['Minutes', false]],
      'Board shows only the partly selected Minutes',
    );
    assert.deepEqual(
      (await list(minutesFolder)).map((e) => [e.name, e.allowed]),
      [['2025', true]],
    );
    const files = await list(minutes2025);
    assert.ok(files.length > 0 && files.every((e) => e.allowed));
    assert.ok(files.some((e) => e.id === minutes));
    for (const hidden of [resolutions, '0', state().folderByPath('Projects')!.id]) {
      const res = await get(`/api/v1/folders/${hidden}/items`, cast.auditor.token);
      assert.equal(res.statusCode, 404, hidden);
    }
    const details = await get(`/api/v1/folders/${board}`, cast.auditor.token);
    assert.equal(details.statusCode, 200);
    assert.deepEqual(details.json().path, []);
  });

  test('details are cached briefly per viewer and read again once the cache expires', async () => {
    const id = controls;
    const reads = () =>
      box.emulator.controls
        .requests({ pathPrefix: `/2.0/files/${id}` })
        .filter((r) => r.path === `/2.0/files/${id}`).length;
    await get(`/api/v1/files/${id}`, cast.admin.token);
    const first = reads();
    await get(`/api/v1/files/${id}`, cast.admin.token);
    await get(`/api/v1/files/${id}/versions`, cast.admin.token);
    assert.equal(reads(), first, 'served from the cache');
    box.clock.advance(5 * 60_000 + 1);
    await get(`/api/v1/files/${id}`, cast.admin.token);
    assert.ok(reads() > first, 'read again after the cache and the catalogue aged');
  });

  test('bad ids and parameters are refused with 400, never a 500', async () => {
    for (const url of [
      '/api/v1/files/..%2Fusers',
      `/api/v1/files/${minutes}?setId=nope`,
      `/api/v1/files/${minutes}/versions?limit=0`,
      `/api/v1/files/${minutes}/versions?cursor=garbage`,
      `/api/v1/folders/${board}/items?cursor=garbage`,
    ]) {
      const res = await get(url, cast.admin.token);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    }
    assert.equal((await app.api.get(`/api/v1/files/${minutes}`)).statusCode, 401);
  });
});
