/**
 * A `pg` pool that follows the primary. For a multi-host URL it connects to each host in turn and
 * keeps the first where `pg_is_in_recovery()` is false. When a query fails in a way that means the
 * primary moved (57P01 admin shutdown, 25006 read-only transaction, connection loss) the pool is
 * dropped and the next request picks again, so services follow a failover without a restart.
 */
import pg from 'pg';
import { parseDatabaseUrl } from './connection-string.ts';
import { isPrimaryMovedError } from './database-errors.ts';

// Consistent types on PostgreSQL and PGlite: int8 → number (our counters and sequences stay below
// 2^53), date → ISO string (pg would shift it into the local time zone).
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);

export interface FailoverPoolOptions {
  url: string;
  max: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  applicationName: string;
  onReset?: (reason: string) => void;
}

export interface FailoverPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
  stats(): { active: number; max: number; host: string | undefined };
  /** Pings every configured host; returns how many answered. */
  probeHosts(): Promise<{ healthy: number; expected: number }>;
}

export function createFailoverPool(options: FailoverPoolOptions): FailoverPool {
  const parsed = parseDatabaseUrl(options.url);
  let current: { pool: pg.Pool; host: string } | undefined;
  let picking: Promise<{ pool: pg.Pool; host: string }> | undefined;
  let ended = false;
  const patched = new WeakSet<pg.PoolClient>();

  async function isPrimary(url: string): Promise<boolean> {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: options.connectTimeoutMs,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const res = await client.query<{ r: boolean }>('select pg_is_in_recovery() as r');
      return res.rows[0]?.r === false;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  async function pick(): Promise<{ pool: pg.Pool; host: string }> {
    let chosen = 0;
    if (parsed.urls.length > 1) {
      chosen = -1;
      for (let i = 0; i < parsed.urls.length; i++) {
        if (await isPrimary(parsed.urls[i]!)) {
          chosen = i;
          break;
        }
      }
      if (chosen < 0) {
        throw Object.assign(new Error('no PostgreSQL primary among the configured hosts'), { code: '08001' });
      }
    }
    const pool = new pg.Pool({
      connectionString: parsed.urls[chosen],
      max: options.max,
      connectionTimeoutMillis: options.connectTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs,
      application_name: options.applicationName,
    });
    // Idle clients losing their server must not crash the process; the next query reconnects.
    pool.on('error', () => reset(pool, 'idle client error'));
    return { pool, host: parsed.hosts[chosen]! };
  }

  function reset(pool: pg.Pool, reason: string): void {
    if (current?.pool !== pool) return;
    current = undefined;
    options.onReset?.(reason);
    pool.end().catch(() => {});
  }

  async function currentPool(): Promise<{ pool: pg.Pool; host: string }> {
    if (ended) throw new Error('database pool is closed');
    if (current) return current;
    picking ??= pick().finally(() => {
      picking = undefined;
    });
    current = await picking;
    return current;
  }

  function watch(client: pg.PoolClient, pool: pg.Pool): pg.PoolClient {
    if (patched.has(client)) return client;
    patched.add(client);
    // pg-pool listens for errors only on idle clients: a checked-out client whose server dies between
    // two queries (a killed primary) would otherwise raise an uncaught 'error' and end the process.
    client.on('error', (err) => reset(pool, String(err.message)));
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).catch((err: unknown) => {
          if (isPrimaryMovedError(err)) reset(pool, String((err as Error).message));
          throw err;
        });
      }
      return result;
    };
    return client;
  }

  return {
    async connect() {
      const { pool } = await currentPool();
      try {
        return watch(await pool.connect(), pool);
      } catch (err) {
        if (isPrimaryMovedError(err)) reset(pool, String((err as Error).message));
        throw err;
      }
    },
    async end() {
      ended = true;
      const c = current;
      current = undefined;
      await c?.pool.end();
    },
    stats() {
      const pool = current?.pool;
      return {
        active: pool ? pool.totalCount - pool.idleCount : 0,
        max: options.max,
        host: current?.host,
      };
    },
    async probeHosts() {
      const results = await Promise.all(
        parsed.urls.map(async (url) => {
          const client = new pg.Client({
            connectionString: url,
            connectionTimeoutMillis: options.connectTimeoutMs,
          });
          client.on('error', () => {});
          try {
            await client.connect();
            await client.query('select 1');
            return true;
          } catch {
            return false;
          } finally {
            await client.end().catch(() => {});
          }
        }),
      );
      return { healthy: results.filter(Boolean).length, expected: parsed.urls.length };
    },
  };
}
