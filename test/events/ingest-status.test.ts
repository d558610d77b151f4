/**
 * GET /api/v1/events/ingest-status (the web Operations page, product.md F7): the ingestion cursor,
 * the lag exactly as auditor_box_ingest_lag_seconds reports it, the ingest lease's holder, and events
 * per UTC day over the last 14 days, checked against the local Box's own event log after a real
 * ingestion. Audit admins only: general users and external auditors get 403, anonymous callers 401.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { apiToken, createAuditor, createBoxActor, signIn } from '../support/identity.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  connectOrg,
  DAY_MS,
  type EventBox,
  ingestUntilIdle,
  retainedEventIds,
  startEventApp,
  startEventBox,
} from './event-support.ts';

interface IngestStatusBody {
  ingestion: {
    enabledHere: boolean;
    leader: string | null;
    started: boolean;
    lastPollAt: string | null;
    caughtUpAt: string | null;
    newestEventAt: string | null;
    eventsStored: number;
    lastError: string | null;
    lagSeconds: number;
    lagReference: string;
    pollIntervalSeconds: number;
    backfillsRunning: number;
  };
  eventsPerDay: { from: string; to: string; total: number; days: { day: string; count: number }[] };
}

const URL = '/api/v1/events/ingest-status';

describe('GET /api/v1/events/ingest-status', () => {
  let box: EventBox;
  let app: TestApp;
  let admin: { token: string; orgId: string };

  before(async () => {
    box = await startEventBox();
    app = await startEventApp(box);
    admin = await connectOrg(app, box.emulator.enterprise.id, 'admin@ingest-status.test');
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  const status = async () => {
    const res = await app.api.get(URL, admin.token);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    return res.json() as IngestStatusBody;
  };
  const lagGauge = async () => {
    const metric = app.platform.metrics.registry.getSingleMetric('auditor_box_ingest_lag_seconds');
    return (await metric!.get()).values.find((v) => v.labels.org === admin.orgId)?.value;
  };

  test('before the first poll: not started, no lag, fourteen UTC days ending today, all zero', async () => {
    const body = await status();
    assert.equal(body.ingestion.started, false);
    assert.equal(body.ingestion.lastPollAt, null);
    assert.equal(body.ingestion.lagSeconds, 0);
    assert.equal(body.ingestion.lagReference, 'none');
    assert.equal(body.ingestion.leader, null);
    assert.equal(body.ingestion.enabledHere, true);
    const days = body.eventsPerDay.days;
    assert.equal(days.length, 14);
    assert.equal(days.at(-1)!.day, box.clock.now().toISOString().slice(0, 10));
    assert.equal(days[0]!.day, new Date(box.clock.now().getTime() - 13 * DAY_MS).toISOString().slice(0, 10));
    assert.equal(body.eventsPerDay.from, `${days[0]!.day}T00:00:00.000Z`);
    assert.ok(days.every((d) => d.count === 0));
    assert.equal(body.eventsPerDay.total, 0);
  });

  test("after ingesting the retained fortnight: cursor, watermark, leader, and per-day counts equal Box's log", async () => {
    await ingestUntilIdle(app);
    const now = box.clock.now();
    const body = await status();
    const retained = new Set(retainedEventIds(box, now));
    assert.ok(retained.size > 20, `the demo enterprise has events (${retained.size})`);
    assert.equal(body.ingestion.started, true);
    assert.equal(body.ingestion.eventsStored, retained.size);
    assert.equal(body.ingestion.lastPollAt, now.toISOString());
    assert.equal(body.ingestion.caughtUpAt, now.toISOString());
    assert.equal(body.ingestion.lagReference, 'caught-up');
    assert.equal(body.ingestion.lagSeconds, 0);
    assert.equal(body.ingestion.lastError, null);
    assert.equal(body.ingestion.backfillsRunning, 0);
    assert.equal(body.ingestion.leader, app.services.event!.deps.instanceId, 'this process holds the lease');

    // Expected: Box's own records, by UTC day of created_at, inside the fortnight the API reports.
    const expected = new Map<string, number>();
    const from = Date.parse(body.eventsPerDay.from);
    const to = Date.parse(body.eventsPerDay.to);
    for (const rec of box.emulator.state.store.events.enterprise) {
      if (!retained.has(String(rec.json.event_id))) continue;
      if (rec.createdMs < from || rec.createdMs >= to) continue;
      const day = new Date(rec.createdMs).toISOString().slice(0, 10);
      expected.set(day, (expected.get(day) ?? 0) + 1);
    }
    const got = new Map(body.eventsPerDay.days.filter((d) => d.count > 0).map((d) => [d.day, d.count]));
    assert.deepEqual(got, expected);
    assert.equal(
      body.eventsPerDay.total,
      [...expected.values()].reduce((a, b) => a + b, 0),
    );
  });

  test('the lag grows with the clock from the last poll that reached the head, and equals the gauge', async () => {
    box.clock.set(box.clock.now().getTime() + 90_000);
    const body = await status();
    assert.equal(body.ingestion.lagSeconds, 90);
    await app.services.event!.ingester.refreshLag();
    assert.equal(await lagGauge(), 90);
    // Catching up (the last poll did not reach the head): the newest stored event is the reference.
    const newest = Date.parse(body.ingestion.newestEventAt!);
    await sql`update event.org_streams set caught_up_at = caught_up_at - interval '1 minute' where org_id = ${admin.orgId}`.execute(
      app.platform.pool.db,
    );
    const catching = await status();
    assert.equal(catching.ingestion.lagReference, 'newest-event');
    assert.equal(catching.ingestion.lagSeconds, (box.clock.now().getTime() - newest) / 1000);
    await app.services.event!.ingester.refreshLag();
    assert.equal(await lagGauge(), catching.ingestion.lagSeconds);
  });

  test('audit admins only: general users and external auditors 403, anonymous 401, read-only API tokens INSUFFICIENT_SCOPE', async () => {
    const gu = await createBoxActor(app, {
      orgId: admin.orgId,
      email: 'gu@ingest-status.test',
      roles: ['GENERAL_USER'],
    });
    const signedIn = await signIn(app, 'admin@ingest-status.test');
    await createAuditor(app, signedIn.token, 'ea@ingest-status.test');
    const ea = await signIn(app, 'ea@ingest-status.test');
    for (const who of [gu, ea]) {
      const res = await app.api.get(URL, who.token);
      assert.equal(res.statusCode, 403, res.body);
      assert.equal(res.json().error.code, 'FORBIDDEN');
    }
    assert.equal((await app.api.get(URL)).statusCode, 401);
    const readOnly = await apiToken(app, signedIn.token, ['read']);
    const scoped = await app.api.get(URL, readOnly);
    assert.equal(scoped.statusCode, 403);
    assert.equal(scoped.json().error.code, 'INSUFFICIENT_SCOPE');
    const adminToken = await apiToken(app, signedIn.token, ['read', 'admin'], 'ops');
    assert.equal((await app.api.get(URL, adminToken)).statusCode, 200);
  });
});
