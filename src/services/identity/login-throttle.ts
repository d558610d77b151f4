/**
 * Back-off after failed sign-ins, per account and per client address: after `maxFailures` failures
 * each further failure doubles the wait (1 s, 2 s, 4 s … up to the configured lockout). State is in the
 * database so every replica sees it. A success clears the account's counter.
 */
import { sql } from 'kysely';
import type { IdentityDb } from './identity-tables.ts';

export interface LoginThrottle {
  /** Seconds to wait before another attempt with these keys is allowed (0 = allowed). */
  retryAfter(keys: string[], now: Date): Promise<number>;
  recordFailure(keys: string[], now: Date): Promise<void>;
  clear(key: string): Promise<void>;
}

export function createLoginThrottle(
  db: IdentityDb,
  maxFailures: number,
  maxLockoutMs: number,
): LoginThrottle {
  return {
    async retryAfter(keys, now) {
      const rows = await db
        .selectFrom('identity.login_throttle')
        .select(['locked_until'])
        .where('key', 'in', keys)
        .execute();
      let wait = 0;
      for (const r of rows)
        if (r.locked_until && r.locked_until > now)
          wait = Math.max(wait, r.locked_until.getTime() - now.getTime());
      return Math.ceil(wait / 1000);
    },
    async recordFailure(keys, now) {
      for (const key of keys) {
        await sql`
          insert into identity.login_throttle (key, failures, locked_until, updated_at)
          values (${key}, 1, null, ${now})
          on conflict (key) do update set
            failures = identity.login_throttle.failures + 1,
            locked_until = case when identity.login_throttle.failures + 1 >= ${maxFailures}
              then ${now}::timestamptz + least(${maxLockoutMs}::bigint,
                     (1000 * power(2, identity.login_throttle.failures + 1 - ${maxFailures}))::bigint) * interval '1 millisecond'
              else null end,
            updated_at = ${now}`.execute(db);
      }
    },
    async clear(key) {
      await db.deleteFrom('identity.login_throttle').where('key', '=', key).execute();
    },
  };
}
