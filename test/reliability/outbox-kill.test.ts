/**
 * Killing the process between a state change and its delivery loses nothing (architecture.md §5,
 * quality.md §3). `auditor serve` runs on a real PostgreSQL database with small outbox intervals while
 * we create external auditors through an API token minted with `auditor admin token`. Each server is
 * started with one crash point (src/platform/crash-points.ts) and the hit on which it kills itself
 * (SIGKILL, like kill -9), drawn from a seeded PRNG; the next server picks up what the dead one left.
 * At the end a server without a crash point drains the outbox, and every identity.* message must be
 * in the ledger exactly once (an `audit_action` leaf whose ref is the message id), every created user
 * must have exactly one message, and no subscriber may be behind.
 *
 *   npm test                                   20 (point, hit) pairs, seed 20261129
 *   AUDITOR_TEST_KILL_PAIRS=200 AUDITOR_TEST_SEED=7 npm run test:quick -- test/reliability/outbox-kill.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { CrashPoint } from '../../src/platform/crash-points.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/database.ts';
import { childEnv, runCli, type ServerProcess, startServer } from '../support/processes.ts';

const SEED = Number(process.env.AUDITOR_TEST_SEED ?? 20261129);
const PAIRS = Number(process.env.AUDITOR_TEST_KILL_PAIRS ?? 20);
const LANES = 2;
const WRITES_PER_RUN = 8;
/** The points on the way from a committed state change to its effect in the consumer. */
const POINTS: CrashPoint[] = [
  'outbox.after-commit',
  'relay.before-deliver',
  'relay.after-deliver',
  'relay.before-progress',
  'inbox.before-commit',
  'inbox.after-commit',
];
const PASSWORD = 'a long password for the kill test';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded (point, hit) pairs; the first ones visit every point once, in a seeded order. */
function drawPairs(seed: number, count: number): { point: CrashPoint; hit: number }[] {
  const random = mulberry32(seed);
  const order = [...POINTS].sort(() => random() - 0.5);
  return Array.from({ length: count }, (_, i) => ({
    point: i < order.length ? order[i]! : POINTS[Math.floor(random() * POINTS.length)]!,
    hit: 1 + Math.floor(random() * 3),
  }));
}

interface RunRecord {
  point: CrashPoint;
  hit: number;
  diedAtPoint: boolean;
  signal: string | null;
  acknowledged: string[];
}

describe('killing the process between a state change and its delivery', () => {
  const dirs: string[] = [];
  const databases: TestDatabase[] = [];
  after(async () => {
    for (const d of databases) await d.drop().catch(() => {});
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const envFor = (db: TestDatabase, extra: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'auditor-kill-'));
    dirs.push(dir);
    return childEnv({
      DATABASE_URL: db.url,
      PORT: '0',
      AUDITOR_DATA_DIR: dir,
      AUDITOR_OUTBOX_POLL_INTERVAL: '20ms',
      AUDITOR_OUTBOX_LEASE_TTL: '1s',
      AUDITOR_OUTBOX_MAX_BACKOFF: '200ms',
      AUDITOR_SHUTDOWN_GRACE_MS: '5s',
      AUDITOR_INGEST_ENABLED: 'false',
      ...extra,
    });
  };

  async function createAuditor(url: string, token: string, email: string): Promise<number | 'no answer'> {
    try {
      const res = await fetch(`${url}/api/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email, name: 'Kill Test Auditor', password: PASSWORD }),
        signal: AbortSignal.timeout(15_000),
      });
      await res.text();
      return res.status;
    } catch {
      return 'no answer';
    }
  }

  async function runWithCrash(
    db: TestDatabase,
    token: string,
    lane: number,
    index: number,
    pair: { point: CrashPoint; hit: number },
  ): Promise<RunRecord> {
    const server: ServerProcess = startServer(
      [],
      envFor(db, { AUDITOR_TEST_CRASH_POINT: pair.point, AUDITOR_TEST_CRASH_AFTER: String(pair.hit) }),
    );
    const acknowledged: string[] = [];
    const url = await server.listening(60_000).catch(() => undefined);
    if (url) {
      for (let i = 0; i < WRITES_PER_RUN; i++) {
        const email = `ea-${lane}-${index}-${i}@kill.test`;
        const status = await createAuditor(url, token, email);
        if (status === 201) acknowledged.push(email);
        else if (status === 'no answer') break;
        else assert.fail(`creating ${email} answered ${status}:\n${server.output().slice(-2000)}`);
      }
    }
    // The point is normally reached during the writes; give the relay a moment, then kill -9 ourselves.
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      server.exited,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), 10_000))),
    ]);
    clearTimeout(timer);
    const result = exited ?? (await server.stop('SIGKILL'));
    return {
      ...pair,
      diedAtPoint: server.output().includes(`crash point ${pair.point} reached (hit ${pair.hit})`),
      signal: result.signal,
      acknowledged,
    };
  }

  async function verify(db: TestDatabase, acknowledged: string[]) {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const q = async <R extends pg.QueryResultRow>(text: string) => (await client.query<R>(text)).rows;
      const messages = await q<{ n: number }>(`select count(*)::int as n from identity.outbox`);
      const wrongLeaves = await q<{ id: string; n: number }>(`
        select o.id, count(l.ref)::int as n from identity.outbox o
        left join ledger.leaves l on l.kind = 'audit_action' and l.ref = o.id::text
        group by o.id having count(l.ref) <> 1`);
      assert.deepEqual(wrongLeaves, [], 'every identity message is in the ledger exactly once');
      const behind = await q<{ subscriber: string; delivered_seq: number; max: number }>(`
        select p.subscriber, p.delivered_seq::int, (select max(seq)::int from identity.outbox) as max
        from identity.outbox_progress p where p.delivered_seq < (select max(seq) from identity.outbox)`);
      assert.deepEqual(behind, [], 'no subscriber of identity is behind its outbox');
      const usersWithoutOneMessage = await q<{ email: string }>(`
        select u.email from identity.users u
        where (select count(*) from identity.outbox o where o.key = u.id::text and o.topic = 'identity.user_created') <> 1`);
      assert.deepEqual(
        usersWithoutOneMessage,
        [],
        'every committed user has exactly one user_created message',
      );
      const phantom = await q<{ key: string }>(`
        select o.key from identity.outbox o where o.topic = 'identity.user_created'
          and not exists (select 1 from identity.users u where u.id::text = o.key)`);
      assert.deepEqual(phantom, [], 'no message announces a change that was rolled back');
      const emails = new Set(
        (await q<{ email: string }>(`select email from identity.users`)).map((r) => r.email),
      );
      for (const email of acknowledged) assert.ok(emails.has(email), `the acknowledged ${email} exists`);
      const trees = await q<{ tree_size: number; leaves: number }>(`
        select l.tree_size::int, (select count(*)::int from ledger.leaves x where x.log_id = l.id) as leaves from ledger.logs l`);
      for (const t of trees) assert.equal(t.tree_size, t.leaves, 'each log head counts its leaves');
      return { messages: messages[0]!.n, users: emails.size };
    } finally {
      await client.end();
    }
  }

  async function drained(db: TestDatabase, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await adminQuery(
        `select (select count(*) from identity.outbox_progress where delivered_seq < (select coalesce(max(seq), 0) from identity.outbox))::int as behind,
                (select count(*) from identity.outbox o where not exists (
                   select 1 from ledger.leaves l where l.kind = 'audit_action' and l.ref = o.id::text))::int as missing`,
        db.name,
      );
      const { behind, missing } = res.rows[0] as { behind: number; missing: number };
      if (behind === 0 && missing === 0) return;
      if (Date.now() > deadline)
        assert.fail(
          `not drained after ${timeoutMs} ms: ${behind} subscribers behind, ${missing} leaves missing`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  // More pairs need more time than the runner's default per-test timeout.
  const timeout = Math.max(300_000, PAIRS * 20_000);
  test(`${PAIRS} seeded kill points (seed ${SEED}) lose no message and deliver each once in effect`, {
    timeout,
  }, async () => {
    const started = Date.now();
    const first = await createTestDatabase();
    databases.push(first);
    const setupEnv = envFor(first);
    const boot = await runCli(
      ['admin', 'bootstrap', '--org', 'Kill Test', '--email', 'admin@kill.test', '--password', PASSWORD],
      setupEnv,
    );
    assert.equal(boot.code, 0, boot.stderr);
    const minted = await runCli(
      ['admin', 'token', '--email', 'admin@kill.test', '--name', 'kill-test'],
      setupEnv,
    );
    assert.equal(minted.code, 0, minted.stderr);
    const token = minted.stdout.trim().split('\n').at(-1)!;
    assert.match(token, /^afb_[A-Za-z0-9_-]{40,}$/, 'the token alone is on the last line');

    // Lane databases: copies of the bootstrapped one (same admin and token), one server at a time each.
    const lanes: TestDatabase[] = [first];
    for (let i = 1; i < LANES; i++) {
      const name = `${first.name}_l${i}`;
      await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${first.name}"`);
      const copy: TestDatabase = {
        name,
        url: first.url.replace(/[^/]+$/, name),
        drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
      };
      databases.push(copy);
      lanes.push(copy);
    }

    const pairs = drawPairs(SEED, PAIRS);
    const records: RunRecord[][] = await Promise.all(
      lanes.map(async (db, lane) => {
        const out: RunRecord[] = [];
        for (let i = lane; i < pairs.length; i += LANES)
          out.push(await runWithCrash(db, token, lane, i, pairs[i]!));
        return out;
      }),
    );

    const results = await Promise.all(
      lanes.map(async (db, lane) => {
        const server = startServer([], envFor(db));
        await server.listening(60_000);
        await drained(db, 30_000);
        const stopped = await server.stop('SIGTERM');
        assert.equal(stopped.code, 0, `the final server of lane ${lane} shut down cleanly`);
        return verify(
          db,
          records[lane]!.flatMap((r) => r.acknowledged),
        );
      }),
    );

    const all = records.flat();
    for (const r of all) assert.equal(r.signal, 'SIGKILL', `the run at ${r.point}#${r.hit} was killed`);
    const atPoint = all.filter((r) => r.diedAtPoint);
    const reached = new Set(atPoint.map((r) => r.point));
    console.log(
      `# ${all.length} kills (${atPoint.length} at their crash point, points reached: ${[...reached].join(', ')}); ` +
        `${results.reduce((s, r) => s + r.messages, 0)} messages and ${results.reduce((s, r) => s + r.users, 0)} users checked ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.ok(all.length >= 20 || PAIRS < 20, 'at least 20 kills');
    assert.equal(
      atPoint.length,
      all.length,
      `every run died at its drawn point: ${all
        .filter((r) => !r.diedAtPoint)
        .map((r) => `${r.point}#${r.hit}`)
        .join(', ')}`,
    );
    for (const point of POINTS)
      assert.ok(reached.has(point) || PAIRS < POINTS.length, `${point} was exercised`);
  });
});
