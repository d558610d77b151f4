/**
 * A token bucket per Box app and user: Box allows about 1,000 calls per minute per user, and we stay
 * under a configured budget instead of finding the limit through 429s. Time comes from the injected
 * clock and waiting from the injected sleep, so tests run in virtual time.
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
  const capacity = Math.max(1, Math.floor(callsPerMinute / 6)); // bursts of at most ten seconds' worth
  const perMs = callsPerMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  // Calls under one key queue in order, so a burst cannot overtake the refill.
  const queues = new Map<string, Promise<void>>();

  async function take(key: string): Promise<void> {
    for (;;) {
      const now = clock.now().getTime();
      const b = buckets.get(key) ?? { tokens: capacity, at: now };
      b.tokens = Math.min(capacity, b.tokens + (now - b.at) * perMs);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return;
      }
      await sleep(Math.ceil((1 - b.tokens) / perMs));
    }
  }

  return {
    acquire(key) {
      const previous = queues.get(key) ?? Promise.resolve();
      const next = previous.then(() => take(key));
      queues.set(
        key,
        next.catch(() => {}),
      );
      return next;
    },
  };
}
