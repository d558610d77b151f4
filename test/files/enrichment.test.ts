import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Envelope } from '../../src/platform/messaging/catalogue.ts';
import { fileVersionLeafText, leafHashOfText } from '../../src/services/verification/leaf-format.ts';
import type { TestApp } from '../support/test-app.ts';
import {
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
} from './file-support.ts';

const FILES = 50;
const EVENTS = 1000;

describe('enrichment of stored file events', () => {
  let box: FileBox;
  let app: TestApp;
  let cast: Cast;
  let folderId: string;
  const fileIds: string[] = [];

  const ingest = async () => {
    const ingester = app.services.event!.ingester;
    for (let i = 0; i < 100 && (await ingester.tick()); i++);
  };

  before(async () => {
    box = await startFileBox();
    app = await startFileApp(box);
    cast = await createCast(app, box);
    // Start the organisation's stream at "now": the demo's history is not what is measured here.
    await sql`insert into event.org_streams (org_id, enterprise_id, stream_position)
              values (${cast.orgId}, ${box.emulator.enterprise.id}, ${box.emulator.state.latestStreamPosition()})`.execute(
      db(app),
    );
    folderId = box.emulator.state.folderByPath('Compliance')!.id;
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('a burst of 1,000 events on 50 files makes at most two Box calls per file, none while ingesting', async () => {
    const state = box.emulator.state;
    for (let i = 0; i < FILES; i++) {
      fileIds.push(
        state.createFile(folderId, `Burst ${i}.txt`, `burst file ${i}\n`, { login: 'admin@demo.example' }).id,
      );
    }
    for (let i = FILES; i < EVENTS; i++) {
      box.clock.advance(1000);
      state.uploadNewVersion(fileIds[i % FILES]!, `burst file ${i % FILES} edit ${i}\n`, {
        login: 'admin@demo.example',
      });
    }
    const burst = state.events().slice(-EVENTS);
    assert.equal(burst.length, EVENTS);
    assert.ok(burst.every((e) => fileIds.includes(String((e.source as { item_id: string }).item_id))));

    box.emulator.controls.clearRequests();
    await ingest();
    await deliver(app);
    const queued = await sql<{ n: number; events: number }>`
      select count(*)::int as n, sum(events)::int as events from file.enrichment_queue where org_id = ${cast.orgId}`.execute(
      db(app),
    );
    assert.deepEqual(
      queued.rows[0],
      { n: FILES, events: EVENTS },
      'one queue row per file, every event counted',
    );
    assert.equal(
      box.emulator.controls.requests({ pathPrefix: '/2.0/files' }).length,
      0,
      'storing and announcing events makes no Box call',
    );

    const { calls } = await enrichUntilIdle(app, box);
    const perFile = fileIds.map((id) => boxCallsFor(box, id).length);
    console.log(
      `enrichment of ${EVENTS} events on ${FILES} files: ${calls} Box calls, per file max ${Math.max(...perFile)}`,
    );
    assert.ok(
      perFile.every((n) => n >= 1 && n <= 2),
      `calls per file: ${perFile.join(',')}`,
    );
    assert.equal(
      calls,
      perFile.reduce((a, b) => a + b, 0),
    );
    assert.ok(
      box.emulator.controls
        .requests({ pathPrefix: '/2.0/files' })
        .every((r) => r.asUserId === cast.admin.boxUserId),
      'every read is made as the owner',
    );
  });

  test('each tick stays within its Box call budget', async () => {
    const { enrichment } = fileService(app);
    for (const id of fileIds)
      box.emulator.state.uploadNewVersion(id, `budget ${id}\n`, { login: 'admin@demo.example' });
    await ingest();
    await deliver(app);
    box.clock.advance(enrichment.settings.settleMs + 1);
    const ticks: number[] = [];
    for (let i = 0; i < 20 && (await enrichment.pending()) > 0; i++) {
      ticks.push((await enrichment.tick()).calls);
      box.clock.advance(1);
    }
    assert.equal(await enrichment.pending(), 0);
    assert.ok(ticks.length > 1, 'the work was spread over several ticks');
    assert.ok(
      ticks.every((n) => n <= enrichment.settings.callsPerTick),
      `calls per tick: ${ticks.join(',')}`,
    );
  });

  test('the catalogue holds each file with its place, owner and current version', async () => {
    const rows = await sql<{
      item_id: string;
      ancestor_ids: string[];
      ancestry_verified: boolean;
      owner_id: string;
      sha1: string;
      version_id: string;
      status: string;
      source: string;
    }>`select * from file.items where org_id = ${cast.orgId} and item_type = 'file'`.execute(db(app));
    assert.equal(rows.rows.length, FILES);
    for (const r of rows.rows) {
      const current = box.emulator.state.currentVersion(r.item_id);
      assert.equal(r.version_id, current.id);
      assert.equal(r.sha1, current.sha1);
      assert.deepEqual(r.ancestor_ids, ['0', folderId]);
      assert.equal(r.ancestry_verified, true);
      assert.equal(r.owner_id, cast.admin.boxUserId);
      assert.equal(r.status, 'active');
      assert.equal(r.source, 'enrichment');
    }
  });

  test('every version is observed exactly once and announced with the leaf hash of its canonical bytes', async () => {
    const obs = await sql<{
      observation_id: string;
      file_id: string;
      version_id: string;
      sha1: string;
      size: number;
      modified_at: Date | null;
      observed_at: Date;
      source: 'enrichment';
      leaf_hash: Buffer;
    }>`select * from file.observations where org_id = ${cast.orgId}`.execute(db(app));
    const versions = fileIds.flatMap((id) =>
      box.emulator.state.file(id)!.versions.map((v) => `${id}:${v.id}:${v.sha1}`),
    );
    assert.deepEqual(obs.rows.map((o) => `${o.file_id}:${o.version_id}:${o.sha1}`).sort(), versions.sort());
    assert.ok(obs.rows.every((o) => o.source === 'enrichment'));

    const outbox = await sql<{ payload: Envelope<'file.version_observed'>['payload'] }>`
      select payload from file.outbox where topic = 'file.version_observed'`.execute(db(app));
    const announced = outbox.rows.flatMap((r) => r.payload.observations);
    assert.equal(announced.length, obs.rows.length, 'each observation announced once');
    const byId = new Map(obs.rows.map((o) => [o.observation_id, o]));
    for (const a of announced) {
      const { leafHash, ...data } = a;
      const row = byId.get(a.observationId)!;
      const expected = leafHashOfText(fileVersionLeafText(data));
      assert.equal(leafHash, expected.toString('base64'));
      assert.deepEqual(row.leaf_hash, expected);
      assert.equal(data.observedAt, row.observed_at.toISOString());
      assert.equal(data.modifiedAt, row.modified_at?.toISOString() ?? null);
    }
  });

  test('the ledger accepts the observations and reconciliation records their leaf indexes', async () => {
    await deliver(app);
    const refused = await sql<{ n: number }>`
      select count(*)::int as n from ledger.refused_leaves where org_id = ${cast.orgId}`.execute(db(app));
    assert.equal(refused.rows[0]?.n, 0);
    const { reconciler } = fileService(app);
    for (let i = 0; i < 10 && (await reconciler.tick()).looked > 0; i++);
    const left = await sql<{ n: number; total: number }>`
      select count(*) filter (where leaf_index is null)::int as n, count(*)::int as total
      from file.observations where org_id = ${cast.orgId}`.execute(db(app));
    assert.equal(left.rows[0]?.n, 0, 'every observation has its leaf index');
    const leaves = await sql<{ n: number }>`
      select count(distinct l.leaf_index)::int as n from file.observations o
      join ledger.logs g on g.org_id = o.org_id
      join ledger.leaves l on l.log_id = g.id and l.kind = 'file_version' and l.ref = o.observation_id::text
        and l.leaf_index = o.leaf_index
      where o.org_id = ${cast.orgId}`.execute(db(app));
    assert.equal(
      leaves.rows[0]?.n,
      left.rows[0]?.total,
      'the recorded indexes are the leaves of the observations',
    );
  });

  test('events that cannot change a known file queue nothing; a trashed file is recorded as trashed', async () => {
    const state = box.emulator.state;
    const [a, b] = fileIds;
    state.collaborate(a!, 'user@demo.example', 'viewer', { by: 'admin@demo.example' });
    state.trash(b!, { login: 'admin@demo.example' });
    const mark = new Date(box.clock.now().getTime()).toISOString();
    await ingest();
    await deliver(app);
    const queued = await sql<{ item_id: string }>`
      select item_id from file.enrichment_queue where org_id = ${cast.orgId}`.execute(db(app));
    assert.deepEqual(
      queued.rows.map((r) => r.item_id),
      [b],
    );
    await enrichUntilIdle(app, box);
    assert.equal(boxCallsFor(box, a!, mark).length, 0);
    assert.ok(boxCallsFor(box, b!, mark).length <= 2);
    const row = await sql<{ status: string }>`
      select status from file.items where org_id = ${cast.orgId} and item_id = ${b}`.execute(db(app));
    assert.equal(row.rows[0]?.status, 'trashed');
  });

  test('a file its owner can no longer find anywhere is recorded as deleted', async () => {
    const gone = fileIds[2]!;
    // Purged from the trash: the local Box has no API for it, so the test removes it directly.
    box.emulator.state.trash(gone, { login: 'admin@demo.example' });
    box.emulator.state.store.files.delete(gone);
    await fileService(app).module.receiver!.receive('file.enrichment', [
      storedEvent(cast.orgId, gone, cast.admin.boxUserId),
    ]);
    await enrichUntilIdle(app, box);
    const row = await sql<{ status: string }>`
      select status from file.items where org_id = ${cast.orgId} and item_id = ${gone}`.execute(db(app));
    assert.equal(row.rows[0]?.status, 'deleted');
  });

  test('a failing Box call is retried later with back-off and the queued file is kept', async () => {
    const { enrichment } = fileService(app);
    const id = fileIds[3]!;
    box.emulator.state.uploadNewVersion(id, 'after the outage\n', { login: 'admin@demo.example' });
    await ingest();
    await deliver(app);
    box.emulator.controls.addFault({
      kind: 'status',
      status: 503,
      times: 1000,
      match: { path: `/2.0/files/${id}` },
    });
    box.clock.advance(enrichment.settings.settleMs + 1);
    await enrichment.tick();
    const failed = await sql<{ attempts: number; due_at: Date; last_error: string }>`
      select attempts, due_at, last_error from file.enrichment_queue where org_id = ${cast.orgId} and item_id = ${id}`.execute(
      db(app),
    );
    assert.equal(failed.rows[0]?.attempts, 1);
    assert.ok(failed.rows[0]!.due_at.getTime() > box.clock.now().getTime(), 'retried later, not at once');
    assert.match(failed.rows[0]!.last_error, /unavailable/);
    assert.equal((await enrichment.tick()).items, 0, 'not retried before its back-off has passed');

    box.emulator.controls.clearFaults();
    box.clock.advance(enrichment.settings.retryMaxMs);
    await enrichUntilIdle(app, box);
    const row = await sql<{ version_id: string }>`
      select version_id from file.items where org_id = ${cast.orgId} and item_id = ${id}`.execute(db(app));
    assert.equal(row.rows[0]?.version_id, box.emulator.state.currentVersion(id).id);
  });
});

function storedEvent(orgId: string, fileId: string, owner: string): Envelope<'event.stored'> {
  return {
    id: randomUUID(),
    topic: 'event.stored',
    key: orgId,
    createdAt: new Date().toISOString(),
    payload: {
      v: 1,
      orgId,
      events: [
        {
          eventId: randomUUID(),
          leafHash: '',
          type: 'EDIT',
          itemId: fileId,
          itemType: 'file',
          ownerBoxUserId: owner,
          createdAt: new Date().toISOString(),
        },
      ],
    },
  };
}
