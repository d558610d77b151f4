/**
 * One active ingester per organisation (product.md F2.6): two event service instances on one
 * database, each with its own Box app so the local Box's request log tells them apart, on a shared
 * virtual clock with a 2-second lease. Exactly one polls; when it stops ("killed"), the other takes
 * over as soon as the lease lapses and not before; a replica that lost its lease mid-page cannot move
 * the cursor.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BoxConnector, createBoxConnector } from '../../src/box/box-connector.ts';
import { contextFor } from '../../src/runtime/services.ts';
import { createEventService, type EventService } from '../../src/services/event/event-module.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  type ConnectedOrg,
  connectOrg,
  type EventBox,
  retainedEventIds,
  startEventApp,
  startEventBox,
  storedEventIds,
  streamOf,
} from './event-support.ts';

const TTL = 2000;

describe('leader lease between two ingesters of one organisation', () => {
  let box: EventBox;
  let app: TestApp;
  let org: ConnectedOrg;
  let a: EventService;
  let b: EventService;
  const lease = () => `ingest:${org.orgId}`;
  const db = () => app.platform.pool.db;

  /** Another replica of the event service on the same database, with its own Box connector. */
  function replica(connector: BoxConnector): Promise<EventService> {
    return createEventService({ ...contextFor(app.platform, 'event'), box: connector });
  }
  const connectorFor = (n: number) =>
    createBoxConnector(box.settings({}, box.ccgApps[n]), { clock: box.clock, sleep: (ms) => box.sleep(ms) });

  /** Event polls per client (app) id since the log was last cleared. */
  function pollsBy(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of box.emulator.controls.requests({ pathPrefix: '/2.0/events' }))
      out.set(r.clientId ?? '?', (out.get(r.clientId ?? '?') ?? 0) + 1);
    return out;
  }

  before(async () => {
    box = await startEventBox({ ccgApps: 3 });
    app = await startEventApp(box, {
      env: { AUDITOR_INGEST_LEASE_TTL: '2s', AUDITOR_INGEST_PAGE_SIZE: '100' },
    });
    org = await connectOrg(app, box.emulator.enterprise.id, 'admin@lease.test');
    a = app.services.event!;
    b = await replica(connectorFor(1));
    assert.notEqual(a.deps.instanceId, b.deps.instanceId);
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  async function assertAllStored() {
    const stored = await storedEventIds(db(), org.orgId);
    assert.equal(new Set(stored).size, stored.length, 'no event stored twice');
    assert.deepEqual(stored, retainedEventIds(box, box.clock.now()));
    assert.equal(
      (await streamOf(db(), org.orgId))?.stream_position,
      box.emulator.state.latestStreamPosition(),
    );
  }

  test('exactly one ingests: the other fails to acquire the lease and never polls Box', async () => {
    box.emulator.controls.clearRequests();
    for (let round = 0; round < 6; round++) {
      box.emulator.controls.generateActivity(40);
      // Both replicas tick, in either order, well within the lease time.
      const [first, second] = round % 2 === 0 ? [a, b] : [b, a];
      await first.ingester.tick();
      await second.ingester.tick();
      box.clock.advance(TTL / 4);
    }
    assert.equal(await a.deps.leases.holder(lease(), box.clock.now()), a.deps.instanceId);
    assert.equal(
      await b.deps.leases.acquire(lease(), b.deps.instanceId, TTL, box.clock.now()),
      false,
      "the other replica's lease acquisition fails",
    );
    assert.deepEqual([...pollsBy().keys()], [box.ccgApps[0]!.clientId], 'one client polls the stream');
    await assertAllStored();
  });

  test('when the leader stops, the other takes over once the lease lapses — not before, and within the lease time', async () => {
    // The leader's last renewal: its last tick (the clock does not move during a tick here).
    await a.ingester.tick();
    const renewedAt = box.clock.now().getTime();
    // The leader is killed: it ticks no more. Activity goes on.
    box.emulator.controls.generateActivity(60);
    box.emulator.controls.clearRequests();
    box.clock.set(renewedAt + TTL);
    await b.ingester.tick();
    assert.equal(pollsBy().size, 0, 'at exactly the lease time the lease still holds');
    box.clock.set(renewedAt + TTL + 1);
    await b.ingester.tick();
    assert.deepEqual([...pollsBy().keys()], [box.ccgApps[1]!.clientId], 'the other replica polls now');
    const firstPoll = Date.parse(box.emulator.controls.requests({ pathPrefix: '/2.0/events' })[0]!.time);
    assert.ok(
      firstPoll - renewedAt <= TTL + 1,
      `handed over ${firstPoll - renewedAt} ms after the last renewal`,
    );
    assert.equal(await b.deps.leases.holder(lease(), box.clock.now()), b.deps.instanceId);
    await assertAllStored();
    // The old leader, back from the dead, finds the lease taken and stays idle.
    box.emulator.controls.clearRequests();
    await a.ingester.tick();
    assert.equal(pollsBy().size, 0);
  });

  test('a replica whose lease lapsed while it fetched a page cannot commit it after another took over', async () => {
    let during: (() => Promise<void>) | undefined;
    const base = connectorFor(2);
    // Replica C's Box calls are slow: while its page is in flight, its lease lapses and B takes over.
    const slow: BoxConnector = {
      ...base,
      settings: base.settings,
      enterprise(id) {
        const e = base.enterprise(id);
        return {
          ...e,
          enterpriseId: e.enterpriseId,
          async events(q) {
            const page = await e.events(q);
            await during?.();
            return page;
          },
        };
      },
    };
    const c = await replica(slow);
    // B stops renewing; C takes the lapsed lease.
    box.clock.advance(TTL + 1);
    box.emulator.controls.generateActivity(50);
    const storedBefore = (await storeCount()).n;
    let bTook = false;
    during = async () => {
      during = undefined;
      // More activity, read by B: had C committed its older page, the cursor would move backwards.
      box.emulator.controls.generateActivity(30);
      box.clock.advance(TTL + 1);
      await b.ingester.tick();
      bTook = true;
    };
    box.emulator.controls.clearRequests();
    await c.ingester.tick();
    assert.ok(bTook, "B took over during C's fetch");
    assert.ok(pollsBy().get(box.ccgApps[2]!.clientId)! >= 1, 'C did poll');
    assert.equal(await c.deps.leases.holder(lease(), box.clock.now()), b.deps.instanceId);
    // C's page was rolled back: the cursor is B's, and every event is stored once (by B).
    await assertAllStored();
    const after = await storeCount();
    assert.equal(after.n, after.distinct);
    assert.ok(after.n > storedBefore);
  });

  async function storeCount() {
    const { sql } = await import('kysely');
    const res = await sql<{ n: number; distinct: number }>`
      select count(*)::int as n, count(distinct event_id)::int as distinct from event.events where org_id = ${org.orgId}`.execute(
      db(),
    );
    return res.rows[0]!;
  }
});
