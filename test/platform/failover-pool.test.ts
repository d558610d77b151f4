/**
 * The failover pool (architecture.md §4): `pg` does not understand multi-host URLs, so the platform
 * tries each host and keeps the one where pg_is_in_recovery() is false. A standby or a host that is
 * down in front of the primary is passed over; with no primary the pool says so (a 503 for callers);
 * when a standby is promoted, the next request finds it without a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDatabaseUnavailableError } from '../../src/platform/db/database-errors.ts';
import { createFailoverPool, type FailoverPool } from '../../src/platform/db/failover-pool.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort, type PgCluster, psql, startPgCluster } from '../support/pg-cluster.ts';
import { promote, queryOnce, restartAsStandby } from '../support/pg-control.ts';

describe('the failover pool', () => {
  let standby: PgCluster;
  let primaryDb: TestDatabase;
  let primaryPort: number;
  let name: string;
  const pools: FailoverPool[] = [];

  before(async () => {
    primaryDb = await createTestDatabase({ empty: true });
    name = primaryDb.name;
    primaryPort = Number(process.env.AUDITOR_TEST_PG_PORT);
    standby = await startPgCluster();
    psql(standby, 'postgres', `CREATE DATABASE "${name}"`);
    restartAsStandby(standby);
  });
  after(async () => {
    for (const p of pools) await p.end().catch(() => {});
    standby?.stop();
    await primaryDb?.drop();
  });

  function pool(hosts: string[]): FailoverPool {
    const p = createFailoverPool({
      url: `postgres://postgres@${hosts.join(',')}/${name}?target_session_attrs=read-write`,
      max: 2,
      connectTimeoutMs: 2000,
      statementTimeoutMs: 5000,
      applicationName: 'failover-test',
    });
    pools.push(p);
    return p;
  }
  async function serverOf(p: FailoverPool): Promise<{ port: number; recovery: boolean }> {
    const client = await p.connect();
    try {
      const res = await client.query<{ port: number; recovery: boolean }>(
        'select inet_server_port() as port, pg_is_in_recovery() as recovery',
      );
      return res.rows[0]!;
    } finally {
      client.release();
    }
  }

  test('the standby really is one: it answers, read-only, in recovery', async () => {
    const [row] = await queryOnce<{ r: boolean }>(
      `postgres://postgres@127.0.0.1:${standby.port}/${name}`,
      'select pg_is_in_recovery() as r',
    );
    assert.equal(row!.r, true);
  });

  test('a standby listed first is passed over for the primary', async () => {
    const p = pool([`127.0.0.1:${standby.port}`, `127.0.0.1:${primaryPort}`]);
    assert.deepEqual(await serverOf(p), { port: primaryPort, recovery: false });
    assert.equal(p.stats().host, `127.0.0.1:${primaryPort}`);
    assert.deepEqual(await p.probeHosts(), { healthy: 2, expected: 2 });
  });

  test('a host that is down, listed first, is passed over for the primary', async () => {
    const down = await freePort();
    const p = pool([`127.0.0.1:${down}`, `127.0.0.1:${primaryPort}`]);
    assert.deepEqual(await serverOf(p), { port: primaryPort, recovery: false });
    assert.deepEqual(await p.probeHosts(), { healthy: 1, expected: 2 });
  });

  test('with no primary among the hosts the pool refuses with an "unavailable" error (503 for callers); after a promotion it follows without a restart', async () => {
    const down = await freePort();
    const p = pool([`127.0.0.1:${down}`, `127.0.0.1:${standby.port}`]);
    await assert.rejects(p.connect(), (err: Error) => {
      assert.match(err.message, /no PostgreSQL primary/);
      assert.ok(isDatabaseUnavailableError(err), 'mapped to 503 DATABASE_UNAVAILABLE');
      return true;
    });
    promote(standby);
    assert.deepEqual(await serverOf(p), { port: standby.port, recovery: false });
  });
});
