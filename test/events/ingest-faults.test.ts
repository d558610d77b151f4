/**
 * Ingestion under Box's faults (quality.md §3), in virtual time: the local Box and our Box layer share
 * a manual clock, and every back-off sleep advances it. Proven from the local Box's request log (what
 * Box saw, when) and from the stored events (nothing lost, nothing stored twice).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { RequestLogEntry } from '../../box-emulator/index.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  type ConnectedOrg,
  connectOrg,
  DAY_MS,
  type EventBox,
  eventKeyIds,
  eventService,
  ingestUntilIdle,
  retainedEventIds,
  startEventApp,
  startEventBox,
  storedEventIds,
  streamOf,
} from './event-support.ts';

const ms = (e: RequestLogEntry) => Date.parse(e.time);

describe('ingestion under Box faults', () => {
  let box: EventBox;
  let app: TestApp;
  let org: ConnectedOrg;
  const db = () => app.platform.pool.db;
  const events = () => box.emulator.controls.requests({ pathPrefix: '/2.0/events' });

  before(async () => {
    box = await startEventBox();
    // A short request timeout (real time: the SDK's), so one test can outlast it.
    app = await startEventApp(box, {
      env: { AUDITOR_INGEST_PAGE_SIZE: '50' },
      settings: { timeoutMs: 2000 },
    });
    org = await connectOrg(app, box.emulator.enterprise.id, 'admin@faults.test');
    await ingestUntilIdle(app);
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  /** New activity in the local Box a minute later. */
  function activity(n: number) {
    box.clock.advance(60_000);
    box.emulator.controls.generateActivity(n);
  }

  /** Stored = the stream's retained events, once each, and the cursor at the head of the stream. */
  async function assertCaughtUpExactly() {
    const stored = await storedEventIds(db(), org.orgId);
    assert.equal(new Set(stored).size, stored.length, 'no event stored twice');
    assert.deepEqual(stored, retainedEventIds(box, box.clock.now()), 'every retained event is stored');
    assert.deepEqual(await eventKeyIds(db(), org.orgId), stored, 'one de-duplication key per event');
    const stream = await streamOf(db(), org.orgId);
    assert.equal(stream?.stream_position, box.emulator.state.latestStreamPosition());
    assert.equal(stream?.events_stored, stored.length);
    // Each stored event was announced exactly once (event.stored commits with the events).
    const announced = await sql<{ id: string }>`
      select e->>'eventId' as id from event.outbox o, jsonb_array_elements(o.payload->'events') e
      where o.topic = 'event.stored' and o.payload->>'orgId' = ${org.orgId}`.execute(db());
    const ids = announced.rows.map((r) => r.id).sort();
    assert.deepEqual(ids, stored, 'announced once each');
  }

  test('the first run stores the retained fortnight exactly', async () => {
    await assertCaughtUpExactly();
  });

  test('429 with Retry-After: the next request comes no sooner than Box asked, and the page fetched after waits longer than the lease still commits', async () => {
    activity(120);
    box.emulator.controls.clearRequests();
    box.emulator.controls.addFault({
      kind: 'status',
      status: 429,
      retryAfter: 30,
      times: 2,
      match: { path: '/2.0/events' },
    });
    await ingestUntilIdle(app);
    const log = events();
    assert.deepEqual(
      log.slice(0, 3).map((e) => e.status),
      [429, 429, 200],
    );
    for (let i = 0; i < 2; i++) {
      const waited = ms(log[i + 1]!) - ms(log[i]!);
      assert.ok(waited >= 30_000, `request ${i + 2} came ${waited} ms after a 429 asking for 30 s`);
    }
    assert.ok(
      box.sleeps.includes(30_000) || box.sleeps.some((s) => s >= 30_000),
      'slept at least Retry-After',
    );
    await assertCaughtUpExactly();
  });

  test('500 and 503: exponential back-off between attempts, then catching up', async () => {
    activity(80);
    box.emulator.controls.clearRequests();
    box.emulator.controls.addFault({ kind: 'status', status: 500, times: 1, match: { path: '/2.0/events' } });
    box.emulator.controls.addFault({ kind: 'status', status: 503, times: 3, match: { path: '/2.0/events' } });
    await ingestUntilIdle(app);
    const log = events();
    assert.deepEqual(
      log.slice(0, 5).map((e) => e.status),
      [500, 503, 503, 503, 200],
    );
    const gaps = [1, 2, 3, 4].map((i) => ms(log[i]!) - ms(log[i - 1]!));
    gaps.forEach((gap, k) => {
      // Attempt k+1 waits base · 2^k · [0.5, 1.5): at least 0.5 s, 1 s, 2 s, 4 s.
      assert.ok(gap >= 500 * 2 ** k, `back-off ${k + 1} was ${gap} ms`);
      assert.ok(gap < 1500 * 2 ** k + 1000, `back-off ${k + 1} was not unreasonably long (${gap} ms)`);
    });
    await assertCaughtUpExactly();
  });

  test('slow responses, and one slower than the request timeout, still end caught up', async () => {
    activity(60);
    box.emulator.controls.clearRequests();
    box.emulator.controls.addFault({ kind: 'latency', ms: 2600, times: 1, match: { path: '/2.0/events' } });
    box.emulator.controls.addFault({ kind: 'latency', ms: 150, times: 3, match: { path: '/2.0/events' } });
    const sleeps = box.sleeps.length;
    await ingestUntilIdle(app);
    // The first request timed out on our side (Box answered it later, unread) and was retried after a back-off.
    assert.ok(
      box.sleeps.slice(sleeps).some((s) => s >= 500),
      'a back-off after the timeout',
    );
    // The local Box logs a request when it answers; the one we gave up on was never answered to us.
    assert.ok(events().length >= 2, 'the retried request and the next page');
    assert.ok(
      !box.emulator.controls.faults().some((f) => f.spec.kind === 'latency' && f.spec.ms === 2600),
      'the slow response happened',
    );
    box.emulator.controls.clearFaults();
    await assertCaughtUpExactly();
  });

  test('a dropped connection is retried like a 5xx', async () => {
    activity(60);
    box.emulator.controls.clearRequests();
    box.emulator.controls.addFault({ kind: 'drop-connection', times: 2, match: { path: '/2.0/events' } });
    await ingestUntilIdle(app);
    const statuses = events().map((e) => e.status);
    assert.deepEqual(statuses.slice(0, 3), [0, 0, 200]);
    await assertCaughtUpExactly();
  });

  test('duplicated and reordered pages store each event once', async () => {
    activity(300);
    box.emulator.controls.clearRequests();
    box.emulator.controls.addFault({ kind: 'duplicate-events', times: 4 });
    box.emulator.controls.addFault({ kind: 'reorder-events', times: 4 });
    await ingestUntilIdle(app);
    assert.equal(box.emulator.controls.faults().length, 0, 'both faults were used up on real pages');
    await assertCaughtUpExactly();
  });

  test('an expired position restarts from 0 and schedules a back-fill of the gap, in one step', async () => {
    activity(40);
    const before = await streamOf(db(), org.orgId);
    const newest = await sql<{ newest: Date }>`
      select newest_event_at as newest from event.org_streams where org_id = ${org.orgId}`.execute(db());
    box.emulator.controls.clearRequests();
    box.emulator.controls.addFault({ kind: 'expire-stream-position' });
    await ingestUntilIdle(app);
    const log = events();
    assert.equal(log[0]!.status, 400, 'Box refused the old position');
    assert.equal(log[0]!.query.stream_position, before!.stream_position);
    assert.equal(
      log[1]!.query.stream_position,
      '0',
      'then the stream restarts from the oldest retained event',
    );
    const backfills = await sql<{ from_ts: Date; to_ts: Date; status: string }>`
      select from_ts, to_ts, status from event.backfills where org_id = ${org.orgId}`.execute(db());
    assert.equal(backfills.rows.length, 1, 'a back-fill was scheduled');
    const b = backfills.rows[0]!;
    assert.equal(b.status, 'running');
    assert.equal(
      b.from_ts.getTime(),
      newest.rows[0]!.newest.getTime() - 3_600_000,
      'from an hour before the newest event',
    );
    assert.ok(b.to_ts.getTime() <= box.clock.now().getTime());
    await eventService(app).backfills.resumePending();
    const done = await sql<{
      status: string;
    }>`select status from event.backfills where org_id = ${org.orgId}`.execute(db());
    assert.equal(done.rows[0]!.status, 'done');
    await assertCaughtUpExactly();
  });

  test('after an outage longer than the stream keeps events, the back-fill recovers what dropped out of it', async () => {
    const before = new Set(await storedEventIds(db(), org.orgId));
    const outageStart = box.clock.now().getTime();
    // 20 days of activity while nobody ingests: the first 6 days fall out of the 14-day stream.
    for (let day = 0; day < 20; day++) {
      box.clock.advance(DAY_MS);
      box.emulator.controls.generateActivity(25);
    }
    const during = box.emulator.state
      .events()
      .filter((e) => Date.parse(String(e.created_at)) > outageStart)
      .map((e) => String(e.event_id));
    const dropped = during.filter((id) => !retainedEventIds(box, box.clock.now()).includes(id));
    assert.ok(dropped.length > 100, `events dropped out of the stream (${dropped.length})`);
    box.emulator.controls.clearRequests();
    await ingestUntilIdle(app);
    // (A 401 first: the service account's token expired during the outage and is renewed.)
    assert.equal(
      events().find((e) => e.status !== 401)?.status,
      400,
      'the old position has expired for real',
    );
    const pending = await sql<{ n: number }>`
      select count(*)::int as n from event.backfills where org_id = ${org.orgId} and status = 'running'`.execute(
      db(),
    );
    assert.equal(pending.rows[0]!.n, 1);
    await eventService(app).backfills.resumePending();
    const stored = await storedEventIds(db(), org.orgId);
    assert.equal(new Set(stored).size, stored.length, 'no event stored twice');
    assert.deepEqual(stored, [...new Set([...before, ...during])].sort(), 'nothing lost');
    assert.deepEqual(await eventKeyIds(db(), org.orgId), stored);
    const stream = await streamOf(db(), org.orgId);
    assert.equal(stream?.stream_position, box.emulator.state.latestStreamPosition());
  });
});
