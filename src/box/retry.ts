/**
 * Retrying Box calls: idempotent calls are retried on 429, 5xx and network failures with exponential
 * back-off and jitter, never sooner than Box's Retry-After, within a total wait budget. Non-idempotent
 * calls are not blindly re-sent (a 503 may hide an applied write); their callers re-read state.
 */
import { type BoxError, toBoxError } from './box-errors.ts';

export interface RetryOptions {
  idempotent: boolean;
  sleep: (ms: number) => Promise<void>;
  maxWaitMs: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  random?: () => number;
}

export async function withRetry<T>(call: () => Promise<T>, o: RetryOptions): Promise<T> {
  const maxAttempts = o.maxAttempts ?? 8;
  const base = o.baseDelayMs ?? 1000;
  const random = o.random ?? Math.random;
  // The budget is for waiting between attempts: time spent queueing for the rate budget inside
  // `call` (a burst) must not make a call give up before its first retry.
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (raw) {
      const err: BoxError = toBoxError(raw);
      if (!o.idempotent || !err.retryable || attempt >= maxAttempts) throw err;
      const backoff = Math.min(60_000, base * 2 ** (attempt - 1)) * (0.5 + random());
      const delay = Math.ceil(Math.max(backoff, (err.retryAfterSeconds ?? 0) * 1000));
      if (waited + delay > o.maxWaitMs) throw err;
      waited += delay;
      await o.sleep(delay);
    }
  }
}
