/**
 * Leases in PostgreSQL: one holder per name (an organisation's ingester, a relay's subscriber) across
 * replicas. A holder renews before expiry; if it dies, another takes over once the lease lapses.
 * Expiry is judged by the database clock... except that tests inject a clock, so we pass `now`
 * explicitly and every replica must use the same time source (NTP in production).
 */
import { sql } from 'kysely';
import type { AnyDb } from '../db/database.ts';

export interface LeaseStore {
  /** Takes or renews the lease; true when `owner` holds it afterwards. */
  acquire(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  holder(name: string, now: Date): Promise<string | undefined>;
}

export function createLeaseStore(db: AnyDb, schema: string): LeaseStore {
  const table = sql.table(`${schema}.leases`);
  return {
    async acquire(name, owner, ttlMs, now) {
      const expires = new Date(now.getTime() + ttlMs);
      const res = await sql<{ owner: string }>`
        insert into ${table} (name, owner, expires_at) values (${name}, ${owner}, ${expires})
        on conflict (name) do update set owner = excluded.owner, expires_at = excluded.expires_at
          where ${table}.owner = excluded.owner or ${table}.expires_at < ${now}
        returning owner`.execute(db);
      return res.rows[0]?.owner === owner;
    },
    async release(name, owner) {
      await sql`delete from ${table} where name = ${name} and owner = ${owner}`.execute(db);
    },
    async holder(name, now) {
      const res = await sql<{
        owner: string;
      }>`select owner from ${table} where name = ${name} and expires_at >= ${now}`.execute(db);
      return res.rows[0]?.owner;
    },
  };
}
