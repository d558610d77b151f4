/**
 * Keyset pagination with opaque cursors. A cursor encodes the sort key of the boundary row and the
 * direction; `nextCursor` continues after the last row, `prevCursor` goes back before the first.
 */
import { z } from 'zod';
import { badRequest } from './errors.ts';

export const limitSchema = z.coerce.number().int().min(1).max(500).default(50);
export const cursorSchema = z.string().max(1000).optional();

export interface PageRequest<K> {
  limit: number;
  after?: K;
  before?: K;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

interface CursorPayload<K> {
  d: 'a' | 'b';
  k: K;
}

export function encodeCursor<K>(direction: 'after' | 'before', key: K): string {
  return Buffer.from(
    JSON.stringify({ d: direction === 'after' ? 'a' : 'b', k: key } satisfies CursorPayload<K>),
  ).toString('base64url');
}

export function decodeCursor<K>(
  cursor: string | undefined,
  keySchema: z.ZodType<K>,
): { after?: K; before?: K } {
  if (!cursor) return {};
  try {
    const raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload<unknown>;
    const key = keySchema.parse(raw.k);
    if (raw.d === 'a') return { after: key };
    if (raw.d === 'b') return { before: key };
  } catch {
    // fall through
  }
  throw badRequest('CURSOR_INVALID');
}

/**
 * Builds a page from rows fetched with `limit + 1` (the extra row tells whether more exist in the
 * direction of travel). Rows must already be in display order.
 */
export function buildPage<R, T, K>(
  rows: R[],
  req: PageRequest<K>,
  keyOf: (row: R) => K,
  map: (row: R) => T,
): Page<T> {
  const goingBack = req.before !== undefined;
  const hasMore = rows.length > req.limit;
  const visible = hasMore
    ? goingBack
      ? rows.slice(rows.length - req.limit)
      : rows.slice(0, req.limit)
    : rows;
  const first = visible[0];
  const last = visible[visible.length - 1];
  const moreAfter = goingBack ? true : hasMore;
  const moreBefore = goingBack ? hasMore : req.after !== undefined;
  return {
    items: visible.map(map),
    nextCursor: last && moreAfter ? encodeCursor('after', keyOf(last)) : null,
    prevCursor: first && moreBefore ? encodeCursor('before', keyOf(first)) : null,
  };
}

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable(), prevCursor: z.string().nullable() });
