/**
 * Kysely driver for PGlite, the embedded PostgreSQL. PGlite is one connection, so the driver hands it
 * to one Kysely connection at a time and holds a mutex from acquire to release: a transaction's
 * BEGIN … COMMIT can never interleave with another caller's statements (kysely-pglite 0.6.1 does not
 * guarantee that). Code inside a transaction must use the transaction object, never the outer
 * Kysely instance, or it waits for itself; the acquire timeout turns that mistake into an error.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { Mutex } from './mutex.ts';

export interface PgliteDialectOptions {
  pglite: PGlite;
  /** Fail a query that waited this long for the connection (default 60 s). */
  acquireTimeoutMs?: number;
  onAcquire?: () => void;
  onRelease?: () => void;
}

class PgliteConnection implements DatabaseConnection {
  constructor(private readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const res = await this.pglite.query<R>(compiled.sql, compiled.parameters as unknown[]);
    const affected = res.affectedRows;
    return {
      rows: res.rows,
      ...(affected !== undefined && compiled.query.kind !== 'SelectQueryNode'
        ? { numAffectedRows: BigInt(affected) }
        : {}),
    };
  }

  // biome-ignore lint/correctness/useYield: PGlite has no server-side cursors; we page with keysets instead.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded database; page with keysets');
  }
}

class PgliteDriver implements Driver {
  private readonly mutex = new Mutex();
  private readonly connection: PgliteConnection;

  constructor(private readonly options: PgliteDialectOptions) {
    this.connection = new PgliteConnection(options.pglite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const timeoutMs = this.options.acquireTimeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    let abandoned = false;
    const acquired = this.mutex.acquire();
    // A waiter that timed out keeps its place in the queue: when its turn comes, hand the
    // connection straight on, or nobody would ever release it.
    void acquired.then((release) => {
      if (abandoned) release();
    });
    const release = await Promise.race([
      acquired,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abandoned = true;
          reject(new Error(`embedded database busy for ${timeoutMs} ms (a query outside its transaction?)`));
        }, timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    this.releases.set(this.connection, release);
    this.options.onAcquire?.();
    return this.connection;
  }

  private readonly releases = new Map<DatabaseConnection, () => void>();

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const iso = settings.isolationLevel ? ` ISOLATION LEVEL ${settings.isolationLevel.toUpperCase()}` : '';
    await this.options.pglite.query(`BEGIN${iso}`);
    void conn;
  }

  async commitTransaction(): Promise<void> {
    await this.options.pglite.query('COMMIT');
  }

  async rollbackTransaction(): Promise<void> {
    await this.options.pglite.query('ROLLBACK');
  }

  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    const release = this.releases.get(conn);
    this.releases.delete(conn);
    this.options.onRelease?.();
    release?.();
  }

  async destroy(): Promise<void> {
    const release = await this.mutex.acquire();
    release();
  }
}

export class PgliteDialect implements Dialect {
  constructor(private readonly options: PgliteDialectOptions) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PgliteDriver(this.options);
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
}
