/**
 * Kill -9 of the ingesting process at seeded random points (quality.md §3): `auditor serve` runs in
 * a child process against a cloned PostgreSQL database and the local Box in this process; with
 * AUDITOR_TEST_CRASH_POINT it SIGKILLs itself at the n-th hit of that point (n seeded). After each
 * crash a clean restart catches up; then the stored events are exactly the local Box's retained
 * enterprise events, none twice, the de-duplication keys match, the cursor is the stream's head, and
 * every `event.stored` announcement was delivered to every subscriber (and into the ledger).
 *
 * `npm test` runs each crash point once; AUDITOR_RELIABILITY_FULL=1 runs four seeded rounds of them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { ManualClock, type RunningBoxEmulator, startBoxEmulator } from '../../box-emulator/index.ts';
import { prng } from '../events/fixture.ts';
import { type ServerProcess, startServer, until, withPg } from '../events/server-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const POINTS = [
  'ingest.after-fetch',
  'ingest.before-commit',
  'ingest.after-commit',
  'relay.before-deliver',
  'relay.after-deliver',
] as const;
const FULL = process.env.AUDITOR_RELIABILITY_FULL === '1';
const ROUNDS = FULL ? 4 : 1;
const SEED = Number(process.env.AUDITOR_RELIABILITY_SEED ?? 20260301);
const SUBSCRIBERS = ['file.enrichment', 'verification.ledger'];

describe('kill -9 of the ingesting process at seeded random points', () => {
  let box: RunningBoxEmulator;
  let clock: ManualClock;
  let database: TestDatabase;
  const orgId = randomUUID();
  const random = prng(SEED);
  let server: ServerProcess | undefined;

  before(async () => {
    // The local Box's clock moves only when told, so its 14-day retention window is stable.
    clock = new ManualClock(new Date());
    box = await startBoxEmulator({ demo: true, seed: 1, clock });
    database = await createTestDatabase();
    await q('insert into identity.organizations (id, name, box_enterprise_id) values ($1, $2, $3)', [
      orgId,
      'Kill -9 Co',
      box.emulator.enterprise.id,
    ]);
  });
  after(async () => {
    await server?.kill();
    await box?.close();
    await database?.drop();
  });

  function q<T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []) {
    return withPg(database.url, async (c) => (await c.query<T>(text, values)).rows);
  }

  /** The local Box's admin_logs_streaming retention window, as event ids. */
  function retained(): string[] {
    const log = box.emulator.state.store.events;
    const first = log.firstSeqRecordedFrom(clock.now().getTime() - 14 * 86_400_000);
    return log.enterprise
      .slice(first - 1)
      .map((e) => String(e.json.event_id))
      .sort();
  }

  async function state() {
    return withPg(database.url, async (c) => {
      const one = async <T extends pg.QueryResultRow>(sql: string, v: unknown[] = []) =>
        (await c.query<T>(sql, v)).rows;
      const [stream] = await one<{ stream_position: string | null }>(
        'select stream_position from event.org_streams where org_id = $1',
        [orgId],
      );
      const [max] = await one<{ max: string }>('select coalesce(max(seq), 0)::text as max from event.outbox');
      const progress = await one<{ subscriber: string; delivered_seq: string }>(
        'select subscriber, delivered_seq::text from event.outbox_progress',
      );
      const events = await one<{ event_id: string }>(
        'select event_id from event.events where org_id = $1 order by event_id',
        [orgId],
      );
      const keys = await one<{ event_id: string }>(
        'select event_id from event.event_keys where org_id = $1 order by event_id',
        [orgId],
      );
      const announced = await one<{ id: string }>(
        `select e->>'eventId' as id from event.outbox o, jsonb_array_elements(o.payload->'events') e
         where o.topic = 'event.stored' and o.payload->>'orgId' = $1 order by 1`,
        [orgId],
      );
      const leaves = await one<{ ref: string }>(
        `select l.ref from ledger.leaves l join ledger.logs g on g.id = l.log_id
         where g.org_id = $1 and l.kind = 'box_event' order by 1`,
        [orgId],
      );
      return {
        position: stream?.stream_position ?? null,
        maxSeq: Number(max?.max ?? 0),
        delivered: new Map(progress.map((p) => [p.subscriber, Number(p.delivered_seq)])),
        events: events.map((r) => r.event_id),
        keys: keys.map((r) => r.event_id),
        announced: announced.map((r) => r.id),
        leaves: leaves.map((r) => r.ref),
      };
    });
  }

  function caughtUp(s: Awaited<ReturnType<typeof state>>): boolean {
    return (
      s.position === box.emulator.state.latestStreamPosition() &&
      SUBSCRIBERS.every((name) => (s.delivered.get(name) ?? -1) >= s.maxSeq) &&
      s.leaves.length === s.events.length
    );
  }

  /** Invariants that hold at any moment, crash or not. */
  function assertNoDuplicates(s: Awaited<ReturnType<typeof state>>) {
    assert.equal(new Set(s.events).size, s.events.length, 'no event stored twice');
    assert.deepEqual(s.keys, s.events, 'one de-duplication key per stored event');
    assert.deepEqual(s.announced, s.events, 'every stored event announced exactly once, with its page');
    assert.equal(new Set(s.leaves).size, s.leaves.length, 'no event in the ledger twice');
  }

  async function runClean(label: string) {
    server = await startServer({ databaseUrl: database.url, box });
    let last: Awaited<ReturnType<typeof state>> | undefined;
    await until(
      `catching up after ${label}`,
      async () => {
        last = await state();
        return caughtUp(last);
      },
      {
        timeoutMs: 60_000,
        intervalMs: 100,
        explain: () =>
          `position ${last?.position} vs ${box.emulator.state.latestStreamPosition()}, outbox ${last?.maxSeq} delivered ${JSON.stringify([...(last?.delivered ?? [])])}, leaves ${last?.leaves.length}/${last?.events.length}\n${server?.output.slice(-30).join('\n')}`,
      },
    );
    // Caught up: kill this one too (a kill at an idle moment is one more random point).
    await server.kill();
    server = undefined;
    assertNoDuplicates(last!);
  }

  test(`each crash point (${POINTS.join(', ')}), then a clean restart: nothing lost, nothing twice${FULL ? ' (full: four rounds)' : ''}`, async () => {
    let crashes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const point of POINTS) {
        // New activity in the local Box for this run to ingest (several pages of 40).
        clock.advance(10_000);
        box.emulator.controls.generateActivity(random.int(90, 160));
        const after = random.int(1, point.startsWith('relay') ? 4 : 3);
        server = await startServer({
          databaseUrl: database.url,
          box,
          env: {
            AUDITOR_TEST_CRASH_POINT: point,
            AUDITOR_TEST_CRASH_AFTER: String(after),
            AUDITOR_INGEST_PAGE_SIZE: '40',
          },
          waitReady: false,
        });
        const crashed = server;
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          crashed.exited,
          new Promise<'timeout'>((r) => {
            timer = setTimeout(() => r('timeout'), 60_000);
          }),
        ]);
        clearTimeout(timer);
        if (outcome === 'timeout') {
          await crashed.kill();
          assert.fail(`${point} #${after} was never reached:\n${crashed.output.slice(-30).join('\n')}`);
        }
        assert.equal(
          outcome.signal,
          'SIGKILL',
          `${point}: the process killed itself (${JSON.stringify(outcome)})`,
        );
        assert.ok(
          crashed.output.some((l) => l.includes(`crash point ${point} reached`)),
          `${point}: the crash came from the crash point`,
        );
        server = undefined;
        crashes++;
        assertNoDuplicates(await state());
        await runClean(`${point} #${after}`);
      }
    }
    assert.equal(crashes, ROUNDS * POINTS.length);

    const s = await state();
    const want = retained();
    assert.deepEqual(s.events, want, "the stored set is the local Box's retained enterprise event set");
    assert.deepEqual(s.keys, want);
    assert.equal(s.position, box.emulator.state.latestStreamPosition(), "the cursor is the stream's head");
    for (const name of SUBSCRIBERS)
      assert.ok((s.delivered.get(name) ?? -1) >= s.maxSeq, `${name} received every event.stored message`);
    assert.deepEqual(s.leaves, want, 'every event is in the ledger once');
  });
});
