/**
 * Reconciliation of stored events with the ledger (architecture.md §7): the event service records
 * each event's leaf index after comparing the event's canonical bytes with the leaf's hash, and a
 * full pass (`auditor verify reconcile`) catches an event row edited or deleted directly in the
 * database — even after it was reconciled.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createServiceHttpClient } from '../../src/platform/service-http-client.ts';
import { createEventHttpClient } from '../../src/services/event/event-client.ts';
import { createVerificationHttpClient } from '../../src/services/verification/verification-client.ts';
import { db } from '../files/file-support.ts';
import { childEnv, runCli } from '../support/processes.ts';
import { catchUp, fileId, startVerifyEnv, tokenOf, type VerifyEnv } from './verification-support.ts';

describe('reconciliation of stored events with the ledger', () => {
  let e: VerifyEnv;
  let eventIds: string[];

  const eventRows = async () =>
    (
      await sql<{ event_id: string; leaf_index: number | null }>`
        select event_id, leaf_index from event.events where org_id = ${e.cast.orgId} order by created_at, event_id`.execute(
        db(e.app),
      )
    ).rows;

  before(async () => {
    e = await startVerifyEnv();
    const state = e.box.emulator.state;
    for (const path of [
      'Board/Minutes/2025/Minutes 2025-01.pdf',
      'Board/Minutes/2025/Minutes 2025-02.pdf',
      'Board/Minutes/2025/Minutes 2025-03.pdf',
      'Board/Minutes/2025/Minutes 2025-04.pdf',
    ]) {
      state.uploadNewVersion(fileId(e, path), `${path}, amended\n`, { login: 'admin@demo.example' });
      e.box.clock.advance(1000);
    }
    await catchUp(e);
    eventIds = (await eventRows()).map((r) => r.event_id);
    assert.ok(eventIds.length >= 4);
  });
  after(() => e?.stop());

  test('the job records each event’s leaf index once its bytes match the leaf', async () => {
    assert.ok((await eventRows()).every((r) => r.leaf_index === null));
    const pass = await e.app.services.event!.reconciler.tick();
    assert.equal(pass.reconciled, eventIds.length);
    assert.equal(pass.mismatched, 0);
    const rows = await eventRows();
    assert.ok(rows.every((r) => r.leaf_index !== null));
    const leaves = await sql<{ ref: string; leaf_index: number }>`
      select ref, leaf_index from ledger.leaves where kind = 'box_event'`.execute(db(e.app));
    const byRef = new Map(leaves.rows.map((l) => [l.ref, Number(l.leaf_index)]));
    for (const r of rows) assert.equal(Number(r.leaf_index), byRef.get(r.event_id));
    const api = await e.app.api.get(
      '/api/v1/events?limit=50&from=2000-01-01T00:00:00Z',
      await tokenOf(e, 'admin'),
    );
    assert.ok((api.json().items as { leafIndex: number | null }[]).every((x) => x.leafIndex !== null));
    const report = await e.app.services.event!.reconciler.audit(e.cast.orgId);
    assert.equal(report[0]?.ok, true, JSON.stringify(report));
    assert.equal(report[0]?.eventsChecked, eventIds.length);
    assert.equal(report[0]?.leavesChecked, eventIds.length);
  });

  test('what verification asks of events, and reconciliation of the ledger, work the same over HTTP (distributed mode)', async () => {
    const http = createServiceHttpClient(e.app.url, e.app.platform.serviceSecret, 'test');
    const events = createEventHttpClient(http);
    const local = e.app.services.event!.client;
    assert.deepEqual(await events.watermark(e.cast.orgId), await local.watermark(e.cast.orgId));
    assert.ok((await local.watermark(e.cast.orgId))?.caughtUpAt);
    const fileIdOfFirst = fileId(e, 'Board/Minutes/2025/Minutes 2025-01.pdf');
    const o = { types: ['EDIT'], limit: 10 };
    const remoteEvents = await events.itemEvents(e.cast.orgId, fileIdOfFirst, o);
    assert.deepEqual(remoteEvents, await local.itemEvents(e.cast.orgId, fileIdOfFirst, o));
    assert.equal(remoteEvents.length, 1);
    assert.equal(
      (remoteEvents[0]!.additionalDetails as { version_id?: string }).version_id !== undefined,
      true,
    );
    const user = { userId: e.cast.admin.userId, orgId: e.cast.orgId, roles: ['AUDIT_ADMIN' as const] };
    const filters = { from: '2000-01-01T00:00:00Z', type: ['EDIT'], order: 'asc' as const };
    const found = await events.searchEvents(user, filters, 2);
    assert.deepEqual(found, await local.searchEvents(user, filters, 2));
    assert.equal(found.events.length, 2);
    assert.equal(found.truncated, true, 'more than 2 matched');

    const ledger = createVerificationHttpClient(http);
    const page = await ledger.leafRecordsFrom(e.cast.orgId, 'box_event', 0, 2);
    assert.deepEqual(
      page,
      await e.app.services.verification!.client.leafRecordsFrom(e.cast.orgId, 'box_event', 0, 2),
    );
    assert.equal(page.items.length, 2);
    assert.ok(page.next !== null);
  });

  test('edited and deleted event rows are found, each named, and the job logs unreconciled ones at error', async () => {
    const [edited, recolumned, deleted, unreconciled] = eventIds as [string, string, string, string];
    // The text changes where no column repeats it (the version's SHA-1), so only the text is wrong.
    await sql`update event.events set raw = replace(raw, '"sha1":"', '"sha1":"0') where event_id = ${edited}`.execute(
      db(e.app),
    );
    await sql`update event.events set actor_id = '1' where event_id = ${recolumned}`.execute(db(e.app));
    await sql`delete from event.events where event_id = ${deleted}`.execute(db(e.app));
    await sql`update event.events set leaf_index = null, raw = replace(raw, '"sha1":"', '"sha1":"f')
              where event_id = ${unreconciled}`.execute(db(e.app));

    const [report] = await e.app.services.event!.reconciler.audit(e.cast.orgId);
    assert.equal(report?.ok, false);
    const problems = new Map(report!.mismatches.map((m) => [m.eventId, m.problem]));
    assert.equal(problems.get(edited), 'TEXT_EDITED');
    assert.equal(problems.get(recolumned), 'COLUMNS_EDITED');
    assert.equal(problems.get(deleted), 'EVENT_MISSING');
    assert.equal(problems.get(unreconciled), 'TEXT_EDITED');
    assert.ok(
      e.app.logs.some(
        (l) => l.includes('stored events do not match the ledger') && l.includes('"level":"error"'),
      ),
    );

    const before = e.app.logs.length;
    const pass = await e.app.services.event!.reconciler.tick();
    assert.equal(pass.mismatched, 1);
    assert.ok(
      e.app.logs
        .slice(before)
        .some((l) => l.includes('does not match its ledger leaf') && l.includes(unreconciled)),
    );
  });

  test('auditor verify reconcile reports them and exits 1 (the admin command and the CLI on the database)', async () => {
    const viaSocket = (await e.app.adminCommands['verification.reconcile']!({ orgId: e.cast.orgId })) as {
      events: { ok: boolean; mismatchCount: number }[];
    };
    assert.equal(viaSocket.events[0]?.ok, false);
    assert.equal(viaSocket.events[0]?.mismatchCount, 4);

    const env = childEnv({
      DATABASE_URL: e.app.database!.url,
      AUDITOR_DATA_DIR: e.app.config.AUDITOR_DATA_DIR,
    });
    const res = await runCli(['verify', 'reconcile', '--org', e.cast.orgId, '--json'], env, 120_000);
    assert.equal(res.code, 1, res.stderr);
    const out = JSON.parse(res.stdout) as { ok: boolean; events: { mismatches: { problem: string }[] }[] };
    assert.equal(out.ok, false);
    assert.deepEqual(out.events[0]!.mismatches.map((m) => m.problem).sort(), [
      'COLUMNS_EDITED',
      'EVENT_MISSING',
      'TEXT_EDITED',
      'TEXT_EDITED',
    ]);
    const table = await runCli(['verify', 'reconcile', '--org', e.cast.orgId], env, 120_000);
    assert.equal(table.code, 1);
    assert.match(table.stdout, /EVENT_MISSING/);
  });
});
