/** Small helpers around Box failures, shared by the file service's readers. */
import { BoxError, type BoxFailure, boxErrorToAppError } from '../../box/box-errors.ts';

/** Box says the item is not there for this viewer (deleted, trashed, or not visible to them). */
export const isGone = (err: unknown): err is BoxError =>
  err instanceof BoxError && (err.failure === 'not_found' || err.failure === 'trashed');

/** Not there, or there but not for this viewer. */
export const isHidden = (err: unknown): err is BoxError =>
  isGone(err) || (err instanceof BoxError && err.failure === 'forbidden');

export const failureOf = (err: unknown): BoxFailure | null => (err instanceof BoxError ? err.failure : null);

/** Runs a Box read for an API caller: Box's failures become our coded errors (never a 500). */
export async function asAppErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BoxError) throw boxErrorToAppError(err);
    throw err;
  }
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the input order of results. */
export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
