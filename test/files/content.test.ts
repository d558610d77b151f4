import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestApp } from '../support/test-app.ts';
import {
  accessLog,
  type Cast,
  createAuditSet,
  createCast,
  type FileBox,
  startFileApp,
  startFileBox,
} from './file-support.ts';

describe('preview and download through the service', () => {
  let box: FileBox;
  let app: TestApp;
  let cast: Cast;
  let setId: string;
  let minutes: string; // in the auditor's set
  let resolution: string; // not in it
  let bytes: Buffer;

  const fetch = (
    id: string,
    kind: 'content' | 'preview',
    token: string,
    headers: Record<string, string> = {},
  ) => app.api.request('GET', `/api/v1/files/${id}/${kind}`, { token, headers });

  before(async () => {
    box = await startFileBox();
    app = await startFileApp(box);
    cast = await createCast(app, box);
    const state = box.emulator.state;
    minutes = state.fileByPath('Board/Minutes/2025/Minutes 2025-01.pdf')!.id;
    resolution = state.fileByPath('Board/Resolutions/Resolution 2025-01 Dividend.pdf')!.id;
    bytes = state.content(minutes);
    setId = await createAuditSet(app, cast.admin.token, {
      name: 'Minutes',
      collaborators: [{ userId: cast.auditor.userId, role: 'REVIEWER' }],
      items: [{ itemId: minutes, type: 'file' }],
    });
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('a download streams exactly the bytes Box holds, as an attachment, without any Box URL or token', async () => {
    const res = await fetch(minutes, 'content', cast.auditor.token);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.rawPayload, bytes);
    assert.equal(res.headers['content-length'], String(bytes.length));
    assert.equal(res.headers['content-type'], 'application/octet-stream');
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="Minutes 2025-01\.pdf"; filename\*=UTF-8''Minutes%202025-01\.pdf$/,
    );
    assert.equal(res.headers['accept-ranges'], 'bytes');
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.equal(res.headers.location, undefined);
    const all = JSON.stringify(res.headers);
    assert.ok(!all.includes(box.url) && !/bearer/i.test(all), 'nothing of Box reaches the browser');
  });

  test('a preview is inline for a type browsers show safely, locked down with nosniff and a CSP', async () => {
    const res = await fetch(minutes, 'preview', cast.auditor.token);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.rawPayload, bytes);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(String(res.headers['content-disposition']), /^inline; /);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
  });

  test('a range of the first bytes answers 206 with exactly those bytes', async () => {
    const res = await fetch(minutes, 'content', cast.auditor.token, { range: 'bytes=0-99' });
    assert.equal(res.statusCode, 206);
    assert.deepEqual(res.rawPayload, bytes.subarray(0, 100));
    assert.equal(res.headers['content-range'], `bytes 0-99/${bytes.length}`);
    assert.equal(res.headers['content-length'], '100');
  });

  test('a suffix range answers the last bytes, and an open range the rest', async () => {
    const suffix = await fetch(minutes, 'preview', cast.auditor.token, { range: 'bytes=-17' });
    assert.equal(suffix.statusCode, 206);
    assert.deepEqual(suffix.rawPayload, bytes.subarray(bytes.length - 17));
    assert.equal(
      suffix.headers['content-range'],
      `bytes ${bytes.length - 17}-${bytes.length - 1}/${bytes.length}`,
    );
    const open = await fetch(minutes, 'content', cast.auditor.token, { range: 'bytes=1000-' });
    assert.equal(open.statusCode, 206);
    assert.deepEqual(open.rawPayload, bytes.subarray(1000));
    const clamped = await fetch(minutes, 'content', cast.auditor.token, {
      range: `bytes=5-${bytes.length + 500}`,
    });
    assert.deepEqual(clamped.rawPayload, bytes.subarray(5));
  });

  test('a range outside the file or malformed answers 416 with the size, and logs nothing', async () => {
    const logged = (await accessLog(app)).length;
    for (const range of [`bytes=${bytes.length}-`, 'bytes=-0', 'bytes=9-3', 'bytes=abc', 'bytes=-']) {
      const res = await fetch(minutes, 'content', cast.auditor.token, { range });
      assert.equal(res.statusCode, 416, range);
      assert.equal(res.json().error.code, 'RANGE_NOT_SATISFIABLE');
      assert.equal(res.headers['content-range'], `bytes */${bytes.length}`);
    }
    assert.equal((await accessLog(app)).length, logged);
    const ignored = await fetch(minutes, 'content', cast.auditor.token, { range: 'bytes=0-1,5-9' });
    assert.equal(ignored.statusCode, 200, 'several ranges: the whole file');
    assert.deepEqual(ignored.rawPayload, bytes);
  });

  test('an older version downloads by its id', async () => {
    const versions = box.emulator.state.file(minutes)!.versions;
    const first = versions[0]!;
    const res = await app.api.get(`/api/v1/files/${minutes}/content?versionId=${first.id}`, cast.admin.token);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.rawPayload, box.emulator.state.content(minutes, first.id));
  });

  test('every preview and download is in the access log, recorded by the server for every role', async () => {
    const before = (await accessLog(app)).length;
    // One second apart, so the log's order is the order of the requests.
    box.clock.advance(1000);
    await fetch(minutes, 'content', cast.auditor.token);
    box.clock.advance(1000);
    await fetch(minutes, 'preview', cast.auditor.token, { range: 'bytes=0-9' });
    box.clock.advance(1000);
    await fetch(minutes, 'content', cast.admin.token);
    assert.deepEqual(
      (await accessLog(app)).slice(before).map((e) => [e.user_id, e.item_id, e.action, e.set_id]),
      [
        [cast.auditor.userId, minutes, 'DOWNLOAD', setId],
        [cast.auditor.userId, minutes, 'PREVIEW', setId],
        // An audit admin sees it as part of the organisation; the set that holds it is named.
        [cast.admin.userId, minutes, 'DOWNLOAD', setId],
      ],
    );
  });

  test('nothing is sent when the access cannot be recorded', async () => {
    const client = app.services.audit!.client;
    const logAccess = client.logAccess;
    client.logAccess = async () => {
      throw new Error('audit service down');
    };
    try {
      const res = await fetch(minutes, 'content', cast.auditor.token);
      assert.equal(res.statusCode, 503);
      assert.equal(res.json().error.code, 'UPSTREAM_UNAVAILABLE');
      assert.ok(!res.rawPayload.includes(bytes.subarray(0, 32)));
    } finally {
      client.logAccess = logAccess;
    }
  });

  test('an external auditor cannot preview or download a file outside their sets', async () => {
    const logged = (await accessLog(app)).length;
    const before = box.emulator.controls.requests({ pathPrefix: `/2.0/files/${resolution}/content` }).length;
    for (const kind of ['content', 'preview'] as const) {
      const res = await fetch(resolution, kind, cast.auditor.token);
      assert.equal(res.statusCode, 404);
    }
    assert.equal(
      box.emulator.controls.requests({ pathPrefix: `/2.0/files/${resolution}/content` }).length,
      before,
    );
    assert.equal((await accessLog(app)).length, logged);
    const head = await app.api.request('HEAD', `/api/v1/files/${minutes}/content`, {
      token: cast.auditor.token,
    });
    assert.notEqual(head.statusCode, 200, 'HEAD does not reach Box or the access log');
  });
});
