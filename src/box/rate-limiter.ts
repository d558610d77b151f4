/**
 * A token bucket per Box app and user: Box allows about 1,000 calls per minute per user, and we stay
 * under a configured budget instead of finding the limit through 429s — in every 60-second window,
 * not only on average. Time comes from the injected clock and waiting from the injected sleep, so
 * tests run in virtual time.
 */
import type { Clock } from '../platform/clock.ts';

export interface RateLimiter {
  /** Waits until a call under `key` is within the budget. */
  acquire(key: string): Promise<void>;
}

export function createRateLimiter(
  callsPerMinute: number,
  clock: Clock,
  sleep: (ms: number) => Promise<void>,
): RateLimiter {
  const budget = Math.max(1, Math.floor(callsPerMinute));
  const capacity = Math.max(1, Math.floor(budget / 6)); // bursts of at most ten seconds' worth
  const perMs = budget / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  // A full bucket plus a minute's refill would allow capacity + budget calls in one minute: the times
  // of the last `budget` calls per key keep every 60-second window within the budget as well.
  const recent = new Map<string, { times: number[]; next: number }>();
  // Calls under one key queue in order, so a burst cannot overtake the refill.
  const queues = new Map<string, Promise<void>>();

  function forgetIdle(now: number): void {
    if (recent.size < 1000) return;
    for (const [key, r] of recent) {
      const last = r.times[(r.next + r.times.length - 1) % r.times.length] ?? 0;
      if (now - last >= 60_000 && !queues.has(key)) {
        recent.delete(key);
        buckets.delete(key);
      }
    }
  }

  async function take(key: string): Promise<void> {
    for (;;) {
      const now = clock.now().getTime();
      const b = buckets.get(key) ?? { tokens: capacity, at: now };
      b.tokens = Math.min(capacity, b.tokens + Math.max(0, now - b.at) * perMs);
      b.at = now;
      buckets.set(key, b);
      const r = recent.get(key) ?? { times: [], next: 0 };
      recent.set(key, r);
      // The call `budget` calls ago must be a full minute old.
      const windowWait = r.times.length < budget ? 0 : (r.times[r.next] ?? 0) + 60_000 - now;
      if (b.tokens >= 1 && windowWait <= 0) {
        b.tokens -= 1;
        if (r.times.length < budget) r.times.push(now);
        else {
          r.times[r.next] = now;
          r.next = (r.next + 1) % budget;
        }
        return;
      }
      const bucketWait = b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) / perMs);
      await sleep(Math.max(1, bucketWait, windowWait));
    }
  }

  return {
    acquire(key) {
      forgetIdle(clock.now().getTime());
      const previous = queues.get(key) ?? Promise.resolve();
      const next = previous.then(() => take(key));
      const settled = next.catch(() => {});
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return next;
    },
  };
}
