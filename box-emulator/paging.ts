import { badParam } from './errors.ts';
import type { Json } from './types.ts';

export const MAX_OFFSET = 10_000;

/** Box clamps a too-large limit to the endpoint's maximum; the response's `limit` shows the value used. */
export function parseLimit(raw: unknown, def: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badParam('limit', 'limit must be a positive integer');
  return Math.min(n, max);
}

/** Offsets of 10000 and more are rejected with 400 (Box). */
export function parseOffset(raw: unknown): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badParam('offset', 'offset must be a non-negative integer');
  if (n >= MAX_OFFSET) throw badParam('offset', `offset must be less than ${MAX_OFFSET}`);
  return n;
}

export function offsetPage<T>(
  items: T[],
  offset: number,
  limit: number,
  order?: Json[],
): { entries: T[]; meta: Json } {
  return {
    entries: items.slice(offset, offset + limit),
    meta: { total_count: items.length, offset, limit, ...(order ? { order } : {}) },
  };
}

const encodeMarker = (offset: number): string =>
  Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

function decodeMarker(marker: string): number {
  try {
    const o = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')).o;
    if (Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw badParam('marker', 'invalid marker');
}

/** Marker paging: opaque markers, no total_count; `next_marker` is null on the last page. */
export function markerPage<T>(items: T[], marker: unknown, limit: number): { entries: T[]; meta: Json } {
  const start = typeof marker === 'string' && marker !== '' ? decodeMarker(marker) : 0;
  const end = start + limit;
  return {
    entries: items.slice(start, end),
    meta: {
      limit,
      next_marker: end < items.length ? encodeMarker(end) : null,
      prev_marker: start > 0 ? encodeMarker(Math.max(0, start - limit)) : null,
    },
  };
}

export const wantsMarkerPaging = (q: Record<string, unknown>): boolean =>
  q.usemarker === 'true' || q.usemarker === '1';
