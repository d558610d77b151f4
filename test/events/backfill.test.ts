/**
 * Back-fill from `admin_logs` (product.md F2.1): any period up to a year back, resumable where it
 * stopped, de-duplicated against what live ingestion stored, with progress; in-process (virtual
 * time) and through `auditor events backfill`.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ManualClock, type RunningBoxEmulator, startBoxEmulator } from '../../box-emulator/index.ts';
import { callAdminSocket } from '../../src/platform/admin-socket.ts';
import { adminSocketPath } from '../../src/platform/data-dir-lock.ts';
import { BackfillBusyError, type BackfillProgress } from '../../src/services/event/backfill.ts';
import { eventAdminCommands } from '../../src/services/event/backfill-admin.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  type ConnectedOrg,
  connectOrg,
  DAY_MS,
  type EventBox,
  eventService,
  ingestUntilIdle,
  startEventApp,
  startEventBox,
  storedEventIds,
} from './event-support.ts';
import {
  jsonOutput,
  runCli,
  type ServerProcess,
  serverEnv,
  startServer,
  until,
  withPg,
} from './server-process.ts';

/** Ids of the local Box's events created in [from, to] (admin_logs bounds are inclusive). */
function createdBetween(box: RunningBoxEmulator, from: Date, to: Date): string[] {
  return box.emulator.state
    .events()
    .filter((e) => {
      const t = Date.parse(String(e.created_at));
      return t >= from.getTime() && t <= to.getTime();
    })
    .map((e) => String(e.event_id))
    .sort();
}

describe('back-fill in the service (virtual time)', () => {
  let box: EventBox;
  let app: TestApp;
  let org: ConnectedOrg;

  before(async () => {
    box = await startEventBox();
    app = await startEventApp(box, { env: { AUDITOR_INGEST_PAGE_SIZE: '25' } });
    org = await connectOrg(app, box.emulator.enterprise.id, 'admin@backfill.test');
  });
  after(async () => {
    await app?.stop();
    await box?.close();
  });

  test('an interrupted back-fill resumes where it stopped, and ends with exactly the period stored', async () => {
    const now = box.clock.now().getTime();
    const from = new Date(now - 70 * DAY_MS);
    const to = new Date(now - 30 * DAY_MS);
    const want = createdBetween(box, from, to);
    assert.ok(want.length > 100, `the period has history (${want.length})`);
    const backfills = eventService(app).backfills;
    const row = await backfills.start(org.orgId, from, to);
    const stop = new AbortController();
    const seen: BackfillProgress[] = [];
    const first = await backfills.run(
      row.id,
      (p) => {
        seen.push(p);
        if (p.pages === 2) stop.abort();
      },
      stop.signal,
    );
    assert.equal(first.status, 'running', 'stopped, not finished');
    assert.equal(first.pages, 2);
    assert.equal(first.eventsStored, 50);
    assert.equal((await storedEventIds(app.platform.pool.db, org.orgId)).length, 50);

    const again = await backfills.start(org.orgId, from, to);
    assert.equal(again.id, row.id, 'the same range continues the unfinished back-fill');
    const done = await backfills.run(again.id, (p) => seen.push(p));
    assert.equal(done.status, 'done');
    assert.equal(done.fraction, 1);
    assert.equal(done.eventsSeen, want.length, 'each event read once across both runs');
    assert.equal(done.eventsStored, want.length);
    assert.deepEqual(await storedEventIds(app.platform.pool.db, org.orgId), want);
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i]!.fraction >= seen[i - 1]!.fraction, 'progress never goes back');
      assert.equal(seen[i]!.pages, seen[i - 1]!.pages + 1);
    }
    assert.deepEqual(await backfills.progress(row.id), done);
    // Once done, the same range again is a new back-fill that finds nothing new.
    const rerun = await backfills.start(org.orgId, from, to);
    assert.notEqual(rerun.id, row.id);
    const second = await backfills.run(rerun.id);
    assert.equal(second.eventsSeen, want.length);
    assert.equal(second.eventsStored, 0);
  });

  test('a back-fill overlapping live ingestion stores only what live ingestion did not', async () => {
    await ingestUntilIdle(app);
    const before = new Set(await storedEventIds(app.platform.pool.db, org.orgId));
    const now = box.clock.now();
    const from = new Date(now.getTime() - 25 * DAY_MS);
    const want = createdBetween(box, from, now);
    const backfills = eventService(app).backfills;
    const done = await backfills.run((await backfills.start(org.orgId, from, now)).id);
    assert.equal(done.eventsSeen, want.length);
    assert.equal(done.eventsStored, want.filter((id) => !before.has(id)).length);
    assert.ok(done.eventsStored > 0 && done.eventsStored < done.eventsSeen);
    const stored = await storedEventIds(app.platform.pool.db, org.orgId);
    assert.equal(new Set(stored).size, stored.length);
    assert.deepEqual(stored, [...new Set([...before, ...want])].sort());
  });

  test('one runner per back-fill: a second run of the same one in this process is refused', async () => {
    const now = box.clock.now().getTime();
    const backfills = eventService(app).backfills;
    const row = await backfills.start(org.orgId, new Date(now - 120 * DAY_MS), new Date(now - 100 * DAY_MS));
    const firstRun = backfills.run(row.id);
    await assert.rejects(backfills.run(row.id), BackfillBusyError);
    assert.equal((await firstRun).status, 'done');
  });

  test('the admin socket commands start a back-fill in the background and report its progress', async () => {
    const commands = eventAdminCommands(eventService(app));
    const now = box.clock.now().getTime();
    const args = {
      orgId: org.orgId,
      from: new Date(now - 150 * DAY_MS).toISOString(),
      to: new Date(now - 120 * DAY_MS).toISOString(),
    };
    const started = (await commands['events.backfill.start']!(args)) as BackfillProgress;
    assert.equal(started.status, 'running');
    let p = started;
    await until('the background back-fill', async () => {
      p = (await commands['events.backfill.progress']!({ id: started.id })) as BackfillProgress;
      return p.status === 'done';
    });
    assert.equal(p.eventsSeen, createdBetween(box, new Date(args.from), new Date(args.to)).length);
    // Asking again for the same (now finished) range starts a fresh pass.
    await assert.rejects(
      commands['events.backfill.start']!({ ...args, from: args.to, to: args.from }),
      /before/,
    );
    await assert.rejects(commands['events.backfill.start']!({ ...args, orgId: 'not-a-uuid' }));
    await assert.rejects(commands['events.backfill.start']!({ ...args, from: 'last week' }));
    await assert.rejects(commands['events.backfill.progress']!({ id: randomUUID() }), /no back-fill/);
  });
});

describe('auditor events backfill (the CLI, in a child process)', () => {
  let box: RunningBoxEmulator;
  let database: TestDatabase;
  const orgId = randomUUID();

  before(async () => {
    box = await startBoxEmulator({ demo: true, seed: 1, clock: new ManualClock(new Date()) });
    database = await createTestDatabase();
    await withPg(database.url, (c) =>
      c.query('insert into identity.organizations (id, name, box_enterprise_id) values ($1, $2, $3)', [
        orgId,
        'CLI Co',
        box.emulator.enterprise.id,
      ]),
    );
  });
  after(async () => {
    await box?.close();
    await database?.drop();
  });

  test('on PostgreSQL: --json prints the final progress; interrupted with Ctrl-C, the same command continues', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auditor-cli-'));
    const env = serverEnv(
      { databaseUrl: database.url, box, env: { LOG_LEVEL: 'warn', AUDITOR_INGEST_PAGE_SIZE: '5' } },
      dataDir,
    );
    try {
      const now = Date.now();
      const from = new Date(now - 80 * DAY_MS).toISOString();
      const to = new Date(now - 20 * DAY_MS).toISOString();
      const args = ['events', 'backfill', '--org', orgId, '--from', from, '--to', to, '--json'];
      const pages = async () =>
        withPg(database.url, async (c) =>
          Number((await c.query('select coalesce(max(pages), 0) as n from event.backfills')).rows[0].n),
        );
      const interrupted = await runCli(args, env, (child) => {
        void until('a few pages', async () => (await pages()) >= 3, { timeoutMs: 60_000 }).then(() =>
          child.kill('SIGINT'),
        );
      });
      assert.equal(interrupted.code, 1, interrupted.stderr);
      const partial = jsonOutput<BackfillProgress>(interrupted);
      assert.equal(partial.status, 'running');
      assert.ok(partial.pages >= 3);

      const resumed = await runCli(args, env);
      assert.equal(resumed.code, 0, resumed.stderr);
      const done = jsonOutput<BackfillProgress>(resumed);
      assert.equal(done.id, partial.id, 'the same back-fill, continued');
      assert.equal(done.status, 'done');
      const want = createdBetween(box, new Date(from), new Date(to));
      assert.equal(done.eventsSeen, want.length);
      assert.equal(done.eventsStored, want.length);
      const stored = await withPg(database.url, async (c) =>
        (
          await c.query('select event_id from event.events where org_id = $1 order by event_id', [orgId])
        ).rows.map((r) => r.event_id as string),
      );
      assert.deepEqual(stored, want);

      const bad = await runCli(['events', 'backfill', '--org', orgId, '--from', to, '--to', from], env);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--from must be before --to/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('while a server holds the embedded database, the CLI goes through its admin socket and follows the progress', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auditor-cli-demo-'));
    let server: ServerProcess | undefined;
    try {
      server = await startServer({ args: ['--demo'], dataDir, env: { AUDITOR_INGEST_POLL_INTERVAL: '5s' } });
      const socket = adminSocketPath(dataDir);
      // The demo signs its admin in right after it starts listening.
      let token = '';
      await until(
        'the demo admin',
        async () => {
          token = await callAdminSocket<{ token: string }>(socket, 'admin.token', {
            email: 'admin@demo.example',
          })
            .then((r) => r.token)
            .catch(() => '');
          return token !== '';
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const me = await (
        await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
      const demoOrg = (me as { organization: { id: string } }).organization.id;
      const now = Date.now();
      const from = new Date(now - 60 * DAY_MS).toISOString();
      const to = new Date(now - 20 * DAY_MS).toISOString();
      const env = serverEnv({ env: { LOG_LEVEL: 'warn' } }, dataDir);
      const run = await runCli(
        ['events', 'backfill', '--org', demoOrg, '--from', from, '--to', to, '--json'],
        env,
      );
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      const done = jsonOutput<BackfillProgress>(run);
      assert.equal(done.status, 'done');
      assert.ok(done.eventsSeen > 0);
      // Older than the stream's fortnight: only the back-fill brought these, and search finds them.
      assert.equal(done.eventsStored, done.eventsSeen);
      let found = 0;
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({
          from,
          to: new Date(Date.parse(to) + 1000).toISOString(),
          limit: '500',
        });
        if (cursor) q.set('cursor', cursor);
        const res = await fetch(`${server.url}/api/v1/events?${q}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(res.status, 200);
        const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
        found += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      assert.equal(found, done.eventsStored);
    } finally {
      await server?.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
