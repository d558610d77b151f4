/**
 * One database handle per process: Kysely over `pg` (with the failover pool) when DATABASE_URL is
 * set, over PGlite persisted under the data directory when not. The same queries and migrations run
 * on both. Each service gets a view (`forService`) whose transactions are counted under its name.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type IsolationLevel, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import { crashPoint } from '../crash-points.ts';
import { publishedInTransaction } from '../messaging/outbox.ts';
import type { Metrics } from '../metrics.ts';
import { createFailoverPool, type FailoverPool } from './failover-pool.ts';
import { PgliteDialect } from './pglite-driver.ts';

// biome-ignore lint/suspicious/noExplicitAny: services narrow this to their own table types.
export type AnyDb = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: as above.
export type AnyTrx = Transaction<any>;

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Retry on serialization failure / deadlock (40001, 40P01) this many times. */
  retries?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the default view is untyped; services pass their table types.
export interface Database<DB = any> {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Kysely<DB>;
  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export interface DatabasePool {
  readonly kind: 'postgres' | 'pglite';
  readonly db: AnyDb;
  forService(processName: string): Database;
  ping(): Promise<void>;
  /** Connections in use and the maximum, for the pool gauges. */
  stats(): { active: number; max: number };
  probeHosts(): Promise<{ healthy: number; expected: number }>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string | undefined;
  dataDir: string;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  applicationName: string;
  metrics?: Metrics;
  onPoolReset?: (reason: string) => void;
  /** In-memory PGlite (tests without a server). */
  memory?: boolean;
  /** PGlite: fail a statement that waited this long for the single connection (default 60 s). */
  acquireTimeoutMs?: number;
}

const RETRYABLE = new Set(['40001', '40P01']);

function wrap(
  kind: 'postgres' | 'pglite',
  db: AnyDb,
  metrics: Metrics | undefined,
  service: string,
): Database {
  return {
    kind,
    db,
    async transaction(fn, options = {}) {
      for (let attempt = 0; ; attempt++) {
        try {
          const builder = options.isolation
            ? db.transaction().setIsolationLevel(options.isolation)
            : db.transaction();
          let published = false;
          const result = await builder.execute(async (trx) => {
            const value = await fn(trx);
            published = publishedInTransaction(trx);
            return value;
          });
          metrics?.dbTransactions.inc({ service, outcome: 'commit' });
          // A state change and its message are committed; nothing has been delivered yet.
          if (published) crashPoint('outbox.after-commit');
          return result;
        } catch (err) {
          const code = (err as { code?: string }).code;
          const isDbError = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
          metrics?.dbTransactions.inc({ service, outcome: isDbError || !code ? 'rollback' : 'error' });
          if (isDbError || (err as Error)?.message?.includes('Connection terminated')) {
            metrics?.dbTransactionErrors.inc({ service });
          }
          if (code && RETRYABLE.has(code) && attempt < (options.retries ?? 0)) continue;
          throw err;
        }
      }
    },
  };
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabasePool> {
  if (options.url) {
    const pool: FailoverPool = createFailoverPool({
      url: options.url,
      max: options.poolMax,
      connectTimeoutMs: options.connectTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs,
      applicationName: options.applicationName,
      onReset: options.onPoolReset,
    });
    // biome-ignore lint/suspicious/noExplicitAny: the failover pool implements the subset PostgresDialect uses.
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: pool as any }) });
    return {
      kind: 'postgres',
      db,
      forService: (name) => wrap('postgres', db, options.metrics, name),
      async ping() {
        await sql`select 1`.execute(db);
      },
      stats: () => pool.stats(),
      probeHosts: () => pool.probeHosts(),
      async close() {
        await db.destroy();
      },
    };
  }

  const dir = join(options.dataDir, 'pglite');
  if (!options.memory) mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(options.memory ? undefined : dir, {
    parsers: {
      20: (v: string) => Number(v),
      17: (v: string) => Buffer.from(v.slice(2), 'hex'),
      1082: (v: string) => v,
    },
  });
  let active = 0;
  const db = new Kysely<unknown>({
    dialect: new PgliteDialect({
      pglite,
      ...(options.acquireTimeoutMs ? { acquireTimeoutMs: options.acquireTimeoutMs } : {}),
      onAcquire: () => {
        active = 1;
      },
      onRelease: () => {
        active = 0;
      },
    }),
    // biome-ignore lint/suspicious/noExplicitAny: see AnyDb.
  }) as Kysely<any>;
  return {
    kind: 'pglite',
    db,
    forService: (name) => wrap('pglite', db, options.metrics, name),
    async ping() {
      await sql`select 1`.execute(db);
    },
    stats: () => ({ active, max: 1 }),
    async probeHosts() {
      try {
        await sql`select 1`.execute(db);
        return { healthy: 1, expected: 1 };
      } catch {
        return { healthy: 0, expected: 1 };
      }
    },
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
