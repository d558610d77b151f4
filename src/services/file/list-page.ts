/**
 * Pages over a list read whole from Box (a file's versions, an item's collaborators: Box returns
 * them whole, versions at most 10,000), with opaque offset cursors. The list is cached for a few
 * seconds per viewer, so paging through it does not ask Box again.
 */
import { z } from 'zod';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.ts';

const offset = z.number().int().min(0).max(1_000_000);

export function pageOfList<T>(list: T[], limit: number, cursor: string | undefined): Page<T> {
  const { after, before } = decodeCursor(cursor, offset);
  const start = before !== undefined ? Math.max(0, before - limit) : Math.min(after ?? 0, list.length);
  const end = Math.min(list.length, before !== undefined ? before : start + limit);
  return {
    items: list.slice(start, end),
    nextCursor: end < list.length ? encodeCursor('after', end) : null,
    prevCursor: start > 0 ? encodeCursor('before', start) : null,
  };
}
