/**
 * Controlling a throwaway PostgreSQL cluster from a test: stop and start it (a database outage),
 * turn it into a standby (recovery with no upstream: it answers read-only, pg_is_in_recovery() is
 * true) and promote it (a failover). Clusters come from pg-cluster.ts.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type PgCluster, runPgBinary } from './pg-cluster.ts';

const dataDir = (cluster: PgCluster) => join(cluster.dir, 'data');

export function stopCluster(cluster: PgCluster, mode: 'fast' | 'immediate' = 'fast'): void {
  runPgBinary('pg_ctl', ['-D', dataDir(cluster), '-m', mode, '-w', '-t', '60', 'stop']);
}

export function startCluster(cluster: PgCluster): void {
  runPgBinary('pg_ctl', [
    '-D',
    dataDir(cluster),
    '-l',
    join(cluster.dir, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
}

/** Restarts the cluster as a standby without an upstream: it stays in recovery and refuses writes. */
export function restartAsStandby(cluster: PgCluster): void {
  stopCluster(cluster);
  const signal = join(dataDir(cluster), 'standby.signal');
  writeFileSync(signal, '');
  if (process.getuid?.() === 0) {
    const id = (flag: string) =>
      Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(signal, id('-u'), id('-g'));
  }
  startCluster(cluster);
}

export function promote(cluster: PgCluster): void {
  runPgBinary('pg_ctl', ['-D', dataDir(cluster), '-w', '-t', '60', 'promote']);
}

/** One query on a fresh connection (no pool), as the superuser. */
export async function queryOnce<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}
