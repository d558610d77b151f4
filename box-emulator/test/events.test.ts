import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { validateBoxSchema } from '../openapi-validator.ts';
import { call, ccgToken, startTestBox, type TestBox, userToken } from './helpers.ts';

const DAY = 86_400_000;

describe('events: enterprise and user streams', () => {
  let box: TestBox;
  let sa: string;
  before(async () => {
    box = await startTestBox();
    sa = await ccgToken(box);
  });
  after(() => box.close());

  // biome-ignore lint/suspicious/noExplicitAny: raw event JSON
  async function drain(query: string, token = sa): Promise<{ entries: any[]; positions: string[] }> {
    const entries = [];
    const positions: string[] = [];
    let position = '0';
    for (let i = 0; i < 100; i++) {
      const res = await call(box, 'GET', `/2.0/events?${query}&stream_position=${position}`, { token });
      assert.equal(res.status, 200, res.text);
      positions.push(res.body.next_stream_position);
      if (res.body.entries.length === 0) break;
      entries.push(...res.body.entries);
      position = res.body.next_stream_position;
    }
    return { entries, positions };
  }

  test('admin_logs is chronological, has no duplicates, and honours created_after and created_before', async () => {
    const { entries, positions } = await drain('stream_type=admin_logs&limit=500');
    const times = entries.map((e) => Date.parse(e.created_at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.equal(new Set(entries.map((e) => e.event_id)).size, entries.length);
    assert.equal(entries.length, box.emulator.state.events().length);
    for (const p of positions) assert.ok(typeof p === 'string' && BigInt(p) > 2n ** 53n);

    const after = '2025-05-20T00:00:00+00:00';
    const before = '2025-05-22T00:00:00+00:00';
    const window = await drain(
      `stream_type=admin_logs&limit=10&created_after=${encodeURIComponent(after)}&created_before=${encodeURIComponent(before)}`,
    );
    const expected = entries
      .filter((e) => e.created_at >= after && e.created_at <= before)
      .map((e) => e.event_id);
    assert.ok(expected.length > 10);
    assert.deepEqual(
      window.entries.map((e) => e.event_id),
      expected,
    );
  });

  test('admin_logs_streaming is in processing order, where late-recorded events break chronology', async () => {
    const { entries } = await drain('stream_type=admin_logs_streaming&limit=500');
    const recorded = entries.map((e) => Date.parse(e.recorded_at));
    assert.deepEqual(
      recorded,
      [...recorded].sort((a, b) => a - b),
    );
    const created = entries.map((e) => Date.parse(e.created_at));
    assert.ok(
      created.some((t, i) => i > 0 && t < created[i - 1]!),
      'some events were recorded late',
    );
  });

  test('stream_position=0 starts at the oldest event of the last 14 days; now returns none and the latest position', async () => {
    const first = await call(
      box,
      'GET',
      '/2.0/events?stream_type=admin_logs_streaming&stream_position=0&limit=1',
      { token: sa },
    );
    const all = box.emulator.state.events();
    const cutoff = box.clock.now().getTime() - 14 * DAY;
    const oldestRetained = all.find((e) => Date.parse(String(e.recorded_at)) >= cutoff)!;
    assert.equal(first.body.entries[0].event_id, oldestRetained.event_id);

    const now = await call(box, 'GET', '/2.0/events?stream_type=admin_logs_streaming&stream_position=now', {
      token: sa,
    });
    assert.deepEqual(now.body.entries, []);
    assert.equal(now.body.chunk_size, 0);
    assert.equal(now.body.next_stream_position, box.emulator.state.latestStreamPosition());

    const file = box.emulator.state.fileByPath('Board/Resolutions/Resolution 2025-01 Dividend.pdf')!;
    const version = box.emulator.state.uploadNewVersion(file.id, 'amended resolution');
    const next = await call(
      box,
      'GET',
      `/2.0/events?stream_type=admin_logs_streaming&stream_position=${now.body.next_stream_position}`,
      { token: sa },
    );
    assert.equal(next.body.entries.length, 1);
    const edit = next.body.entries[0];
    assert.equal(edit.event_type, 'EDIT');
    assert.deepEqual(Object.keys(edit.source).sort(), [
      'item_id',
      'item_name',
      'item_type',
      'owned_by',
      'parent',
    ]);
    assert.equal(edit.source.item_id, file.id);
    assert.equal(edit.additional_details.version_id, version.id);
    assert.equal(edit.additional_details.sha1, version.sha1);
    assert.equal(edit.ip_address, box.emulator.state.user('admin@demo.example').ip);
  });

  test('limit is capped at 500 and event_type filters by enterprise names', async () => {
    const big = await call(box, 'GET', '/2.0/events?stream_type=admin_logs&limit=2000', { token: sa });
    assert.equal(big.body.entries.length, 500);
    const filtered = await drain('stream_type=admin_logs_streaming&limit=500&event_type=PREVIEW,DOWNLOAD');
    assert.ok(filtered.entries.length > 0);
    assert.ok(filtered.entries.every((e) => e.event_type === 'PREVIEW' || e.event_type === 'DOWNLOAD'));
    const userNames = await call(box, 'GET', '/2.0/events?stream_type=admin_logs&event_type=ITEM_UPLOAD', {
      token: sa,
    });
    assert.deepEqual(userNames.body.entries, []);
    const zero = await call(box, 'GET', '/2.0/events?stream_type=admin_logs&limit=0', { token: sa });
    assert.equal(zero.status, 400);
  });

  test('a position older than the retention gets the documented 400', async () => {
    const first = await call(
      box,
      'GET',
      '/2.0/events?stream_type=admin_logs_streaming&stream_position=0&limit=1',
      { token: sa },
    );
    const old = first.body.next_stream_position;
    const res = await call(
      box,
      'GET',
      `/2.0/events?stream_type=admin_logs_streaming&stream_position=${old}`,
      { token: sa },
    );
    assert.equal(res.status, 200);
    box.clock.advance(15 * DAY);
    const expired = await call(
      box,
      'GET',
      `/2.0/events?stream_type=admin_logs_streaming&stream_position=${old}`,
      { token: await ccgToken(box) },
    );
    assert.equal(expired.status, 400);
    assert.equal(expired.body.code, 'bad_request');
    assert.equal(expired.body.context_info.errors[0].name, 'stream_position');
    const garbage = await call(
      box,
      'GET',
      '/2.0/events?stream_type=admin_logs_streaming&stream_position=abc',
      { token: await ccgToken(box) },
    );
    assert.equal(garbage.status, 400);
    box.clock.advance(-15 * DAY);
    sa = await ccgToken(box);
  });

  test('user streams use ITEM_* names with full File sources; changes leaves out previews and downloads', async () => {
    const token = await userToken(box, 'user@demo.example');
    const all = await drain('stream_type=all&limit=500', token);
    const changes = await drain('stream_type=changes&limit=500', token);
    assert.ok(all.entries.length > changes.entries.length);
    assert.ok(
      all.entries.every((e) => e.event_type.startsWith('ITEM_') || e.event_type.startsWith('COLLAB_')),
    );
    assert.ok(
      changes.entries.every((e) => e.event_type !== 'ITEM_PREVIEW' && e.event_type !== 'ITEM_DOWNLOAD'),
    );
    const upload = all.entries.find((e) => e.event_type === 'ITEM_UPLOAD');
    assert.equal(upload.source.type, 'file');
    assert.match(upload.source.sha1, /^[0-9a-f]{40}$/);
    assert.equal(upload.source.file_version.type, 'file_version');
    assert.ok(upload.source.path_collection.entries.length > 0);
  });

  test('OPTIONS /events offers a long-poll URL that reports new changes', async () => {
    const token = await userToken(box, 'user@demo.example');
    const now = await call(box, 'GET', '/2.0/events?stream_position=now', { token });
    const opts = await call(box, 'OPTIONS', '/2.0/events', { token });
    const url = new URL(opts.body.entries[0].url);
    const project = box.emulator.state.folderByPath('Projects')!;
    box.emulator.state.createFile(project.id, 'long-poll.txt', 'hi', { login: 'user@demo.example' });
    const poll = await call(
      box,
      'GET',
      `${url.pathname}${url.search}&stream_position=${now.body.next_stream_position}`,
    );
    assert.deepEqual(poll.body, { message: 'new_change' });
  });

  test('every recorded event, enterprise and user, validates against the Event schema', () => {
    box.emulator.controls.generateActivity(300);
    const all = [...box.emulator.state.events(), ...box.emulator.state.store.events.user.map((e) => e.json)];
    const errors = all.flatMap((e) => validateBoxSchema('Event', e).map((m) => `${e.event_type}: ${m}`));
    assert.deepEqual([...new Set(errors)], []);
  });
});
