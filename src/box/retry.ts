/**
 * Retrying Box calls: idempotent calls are retried on 429, 5xx and network failures with exponential
 * back-off and jitter, never sooner than Box's Retry-After, within a total wait budget. Non-idempotent
 * calls are not blindly re-sent (a 503 may hide an applied write); their callers re-read state.
 */
import type { Clock } from '../platform/clock.ts';
import { type BoxError, toBoxError } from './box-errors.ts';

export interface RetryOptions {
  idempotent: boolean;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
  maxWaitMs: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  random?: () => number;
}

export async function withRetry<T>(call: () => Promise<T>, o: RetryOptions): Promise<T> {
  const started = o.clock.now().getTime();
  const maxAttempts = o.maxAttempts ?? 8;
  const base = o.baseDelayMs ?? 1000;
  const random = o.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (raw) {
      const err: BoxError = toBoxError(raw);
      if (!o.idempotent || !err.retryable || attempt >= maxAttempts) throw err;
      const backoff = Math.min(60_000, base * 2 ** (attempt - 1)) * (0.5 + random());
      const delay = Math.max(backoff, (err.retryAfterSeconds ?? 0) * 1000);
      if (o.clock.now().getTime() + delay - started > o.maxWaitMs) throw err;
      await o.sleep(delay);
    }
  }
}
