/**
 * The embedded database's single-connection driver (architecture.md §3 note): PGlite is one
 * connection, so the driver holds a mutex from acquire to release. Two transactions never
 * interleave (no lost update), a plain query waits for a running transaction, and a query on the
 * outer handle from inside a transaction — which would wait for itself — fails after the acquire
 * timeout with a clear message and leaves the database usable.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { type DatabasePool, openDatabase } from '../../src/platform/db/database.ts';

describe('the PGlite single-connection driver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'auditor-pglite-'));
  let pool: DatabasePool;

  before(async () => {
    pool = await openDatabase({
      memory: true,
      dataDir: dir,
      poolMax: 1,
      connectTimeoutMs: 1000,
      statementTimeoutMs: 5000,
      applicationName: 'pglite-test',
      acquireTimeoutMs: 300,
    });
    await sql`create table counter (id int primary key, n int not null)`.execute(pool.db);
    await sql`insert into counter values (1, 0)`.execute(pool.db);
  });
  after(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const yieldMany = async (times: number) => {
    for (let i = 0; i < times; i++) await new Promise((r) => setImmediate(r));
  };

  test('concurrent read-modify-write transactions run one after the other: no interleaving, no lost update', async () => {
    const events: string[] = [];
    const database = pool.forService('test');
    const increment = (name: string) =>
      database.transaction(async (trx) => {
        events.push(`${name} begin`);
        const { rows } = await sql<{ n: number }>`select n from counter where id = 1`.execute(trx);
        await yieldMany(20); // give the other transaction every chance to run its statements now
        await sql`update counter set n = ${rows[0]!.n + 1} where id = 1`.execute(trx);
        events.push(`${name} commit`);
      });
    await Promise.all([increment('A'), increment('B'), increment('C')]);
    assert.deepEqual(events, ['A begin', 'A commit', 'B begin', 'B commit', 'C begin', 'C commit']);
    const { rows } = await sql<{ n: number }>`select n from counter where id = 1`.execute(pool.db);
    assert.equal(rows[0]!.n, 3);
  });

  test('a plain query waits for a running transaction and sees only its committed result', async () => {
    const database = pool.forService('test');
    let inside!: () => void;
    const held = new Promise<void>((r) => (inside = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const trx = database.transaction(async (t) => {
      await sql`update counter set n = 100 where id = 1`.execute(t);
      inside();
      await gate;
    });
    await held;
    let seen: number | undefined;
    const outside = sql<{ n: number }>`select n from counter where id = 1`
      .execute(pool.db)
      .then((r) => (seen = r.rows[0]!.n));
    await yieldMany(20);
    assert.equal(seen, undefined, 'the outside query is still waiting');
    release();
    await trx;
    await outside;
    assert.equal(seen, 100);
  });

  test('a query on the outer handle inside a transaction times out with a clear error, and the database stays usable', async () => {
    const database = pool.forService('test');
    await assert.rejects(
      database.transaction(async () => {
        await sql`select 1`.execute(pool.db); // the mistake: not the transaction object
      }),
      /embedded database busy for 300 ms \(a query outside its transaction\?\)/,
    );
    // The abandoned wait must not keep the connection once the transaction has rolled back.
    const res = await sql<{ ok: number }>`select 1 as ok`.execute(pool.db);
    assert.equal(res.rows[0]!.ok, 1);
    await database.transaction(async (trx) => {
      await sql`update counter set n = n + 1 where id = 1`.execute(trx);
    });
  });
});
