/**
 * `EnterpriseBox.events()` keeps what Box sent (architecture.md §7: the canonical text of the raw
 * event is the ledger leaf): stream positions beyond 2^53 as exact strings, big integers in events,
 * and the fields the SDK's typed model drops (`ip_address`, `action_by`). An expired position is a
 * typed failure the ingester can act on.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createBoxEmulator, ManualClock, type RunningBoxEmulator } from '../../box-emulator/index.ts';
import { createBoxConnector, type EnterpriseBox } from '../../src/box/box-connector.ts';
import { BoxError } from '../../src/box/box-errors.ts';
import type { RawBoxEvent } from '../../src/box/box-model.ts';
import { canonicalize } from '../../src/ledger/index.ts';
import { localBoxSettings } from '../../src/runtime/demo.ts';
import { type LocalBox, startLocalBox } from './local-box.ts';

const T0 = '2025-06-02T09:00:00Z';
const TWO_POW_53 = 2n ** 53n;

async function allEvents(
  enterprise: EnterpriseBox,
  streamType: 'admin_logs' | 'admin_logs_streaming',
): Promise<{ entries: RawBoxEvent[]; positions: string[] }> {
  const entries: RawBoxEvent[] = [];
  const positions: string[] = [];
  let position = '0';
  for (let i = 0; i < 200; i++) {
    const page = await enterprise.events({ streamType, streamPosition: position, limit: 100 });
    entries.push(...page.entries);
    positions.push(page.nextStreamPosition);
    if (page.entries.length === 0) break;
    position = page.nextStreamPosition;
  }
  return { entries, positions };
}

describe('enterprise events as Box sent them', () => {
  let box: LocalBox;
  let enterprise: EnterpriseBox;
  before(async () => {
    box = await startLocalBox(T0);
    enterprise = createBoxConnector(box.settings(), { clock: box.clock, sleep: box.sleep }).enterprise(
      box.emulator.enterprise.id,
    );
  });
  after(() => box?.close());

  test('stream positions beyond 2^53 come back as exact decimal strings, on both streams', async () => {
    const streaming = await allEvents(enterprise, 'admin_logs_streaming');
    // Everything the stream retains (14 days by recorded_at), page by page.
    const retained = box.emulator.state
      .events()
      .filter((e) => Date.parse(String(e.recorded_at)) >= box.clock.now().getTime() - 14 * 86_400_000);
    assert.equal(streaming.entries.length, retained.length);
    for (const p of streaming.positions) {
      assert.equal(typeof p, 'string');
      assert.match(p, /^\d+$/);
      assert.ok(BigInt(p) > TWO_POW_53, `${p} is beyond 2^53`);
    }
    assert.equal(streaming.positions.at(-1), box.emulator.state.latestStreamPosition());
    assert.ok(streaming.positions.length > 2, 'several pages');

    const logs = await allEvents(enterprise, 'admin_logs');
    assert.ok(logs.entries.length > 0);
    for (const p of logs.positions) assert.ok(BigInt(p) > TWO_POW_53);
    // A position handed back resumes exactly where it was.
    const resumed = await enterprise.events({
      streamType: 'admin_logs_streaming',
      streamPosition: streaming.positions[0]!,
      limit: 1,
    });
    assert.deepEqual(resumed.entries[0], streaming.entries[100]);
  });

  test('ip_address and action_by are kept (the SDK’s typed model drops them)', async () => {
    const file = box.emulator.state.fileByPath('Board/Minutes/2025/Minutes 2025-04.pdf')!;
    const latest = box.emulator.state.latestStreamPosition();
    // A download as the owner (As-User): Box records the service account as action_by.
    const res = await enterprise.download(file.id, {}, { asUser: file.ownerId });
    for await (const _ of res.body as AsyncIterable<Buffer>);
    const page = await enterprise.events({
      streamType: 'admin_logs_streaming',
      streamPosition: latest,
      limit: 10,
    });
    const download = page.entries.find((e) => e.event_type === 'DOWNLOAD');
    assert.ok(download, 'the download event');
    const text = canonicalize(download);
    const expected = box.emulator.state.events({ type: 'DOWNLOAD', itemId: file.id }).at(-1)!;
    assert.equal(text, canonicalize(expected), 'exactly what Box sent, canonicalised');
    assert.match(text, /"ip_address":"127\.0\.0\.1"/);
    assert.ok(text.includes(`"action_by":{"id":"${box.emulator.serviceAccount().id}"`), text);
    assert.equal((download.created_by as { id: string }).id, file.ownerId);
  });

  test('an expired stream position is the typed failure stream_position_expired, and is not retried', async () => {
    const streaming = await enterprise.events({
      streamType: 'admin_logs_streaming',
      streamPosition: '0',
      limit: 5,
    });
    box.emulator.controls.clearRequests();
    box.emulator.controls.addFault({ kind: 'expire-stream-position' });
    const err = await enterprise
      .events({ streamType: 'admin_logs_streaming', streamPosition: streaming.nextStreamPosition, limit: 5 })
      .then(
        () => assert.fail('the position should have expired'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof BoxError);
    assert.equal(err.failure, 'stream_position_expired');
    assert.equal(err.status, 400);
    assert.equal(err.code, 'bad_request');
    assert.ok(err.requestId);
    assert.equal(box.emulator.controls.requests({ pathPrefix: '/2.0/events' }).length, 1);

    // A position this Box never issued (e.g. after its state was reset) is the same failure.
    const unknown = await enterprise
      .events({ streamType: 'admin_logs_streaming', streamPosition: (2n ** 62n).toString(), limit: 5 })
      .then(
        () => assert.fail('an unknown position should fail'),
        (e: unknown) => e,
      );
    assert.ok(unknown instanceof BoxError);
    assert.equal(unknown.failure, 'stream_position_expired');
    // Other bad requests stay bad requests.
    const bad = await enterprise.events({ streamType: 'admin_logs_streaming', limit: 0 }).then(
      () => assert.fail('limit 0 should fail'),
      (e: unknown) => e,
    );
    assert.ok(bad instanceof BoxError);
    assert.equal(bad.failure, 'bad_request');
  });
});

describe('enterprise events with integers beyond 2^53 as JSON numbers', () => {
  // Box sends next_stream_position (and some ids) as JSON numbers that JSON.parse would round; the
  // local Box sends strings, so its answers are rewritten here into Box's number form.
  const PROBE = 'large_integer_probe';
  let running: RunningBoxEmulator;
  let enterprise: EnterpriseBox;
  const sent: string[] = [];

  before(async () => {
    const clock = new ManualClock(T0);
    const emulator = createBoxEmulator({ demo: true, seed: 1, clock });
    emulator.app.addHook('onSend', async (req, _reply, payload) => {
      if (!req.url.startsWith('/2.0/events') || typeof payload !== 'string') return payload;
      let i = 0;
      const text = payload
        .replace(/"next_stream_position":"(\d+)"/, '"next_stream_position":$1')
        .replace(
          /"ip_address":/g,
          () => `"${PROBE}":${(2n ** 60n + BigInt(++i) * 7n).toString()},"ip_address":`,
        );
      sent.push(text);
      return text;
    });
    await emulator.app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(emulator.app.server.address() as AddressInfo).port}`;
    emulator.setPublicUrl(url);
    running = {
      url,
      baseUrls: { baseUrl: url, uploadUrl: `${url}/api`, oauth2Url: `${url}/api/oauth2` },
      emulator,
      close: () => emulator.close(),
    };
    enterprise = createBoxConnector(
      localBoxSettings(running, { callsPerMinute: 900, timeoutMs: 10_000, maxRetryWaitMs: 60_000 }),
      { clock, sleep: async (ms) => clock.advance(ms) },
    ).enterprise(emulator.enterprise.id);
  });
  after(() => running?.close());

  test('a numeric next_stream_position keeps every digit, as a string', async () => {
    const page = await enterprise.events({
      streamType: 'admin_logs_streaming',
      streamPosition: '0',
      limit: 50,
    });
    const digits = /"next_stream_position":(\d+)/.exec(sent.at(-1)!)![1]!;
    assert.ok(BigInt(digits) > TWO_POW_53);
    assert.notEqual(String(Number(digits)), digits, 'JSON.parse would have changed it');
    assert.equal(page.nextStreamPosition, digits);
    const next = await enterprise.events({
      streamType: 'admin_logs_streaming',
      streamPosition: page.nextStreamPosition,
      limit: 50,
    });
    assert.ok(next.entries.length > 0, 'the exact position resumes the stream');
    assert.notDeepEqual(next.entries[0], page.entries[0]);
  });

  test('big integers inside events keep their digits in the canonical text', async () => {
    const page = await enterprise.events({ streamType: 'admin_logs', streamPosition: '0', limit: 20 });
    const wire = sent.at(-1)!;
    assert.equal(page.entries.length, 20);
    page.entries.forEach((event, i) => {
      const digits = (2n ** 60n + BigInt(i + 1) * 7n).toString();
      assert.ok(wire.includes(`"${PROBE}":${digits}`));
      const text = canonicalize(event);
      assert.ok(text.includes(`"${PROBE}":${digits}`), `event ${i} keeps ${digits}`);
      assert.match(text, /"ip_address":"[0-9.]+"/);
      assert.ok(text.includes('"action_by":'), 'action_by is kept');
    });
  });
});
