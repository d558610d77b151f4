/** Event search, per-day/per-type counts and export links (`/api/v1/events…`). */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { buildUrl } from '../../api/api-client.ts';
import { api } from '../../api/typed-api.ts';
import { browserTimeZone } from '../../ui/format.ts';

export const EVENT_PAGE_SIZE = 50;

export interface EventFilters {
  from?: string | undefined;
  to?: string | undefined;
  /** Box user ids, comma-separated. */
  actor?: string | undefined;
  /** Event types, comma-separated. */
  type?: string | undefined;
  /** Box item ids, comma-separated. */
  item?: string | undefined;
  folder?: string | undefined;
  auditSet?: string | undefined;
  order: 'asc' | 'desc';
}

export const FILTER_KEYS = ['from', 'to', 'actor', 'type', 'item', 'folder', 'auditSet'] as const;

export function filtersFromParams(params: URLSearchParams): EventFilters {
  const f: EventFilters = { order: params.get('order') === 'asc' ? 'asc' : 'desc' };
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) f[key] = value;
  }
  return f;
}

export function filtersToParams(f: EventFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = f[key];
    if (value) p.set(key, value);
  }
  if (f.order === 'asc') p.set('order', 'asc');
  return p;
}

export function useEvents(f: EventFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['events', f, cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/events', { query: { ...f, cursor, limit: EVENT_PAGE_SIZE }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Counts per day (in the browser's time zone) and per type for the filters (the order is irrelevant). */
export function useEventStats(f: Omit<EventFilters, 'order'>, enabled = true) {
  const tz = browserTimeZone();
  const { from, to, actor, type, item, folder, auditSet } = f;
  const query = { from, to, actor, type, item, folder, auditSet, tz };
  return useQuery({
    queryKey: ['event-stats', query],
    queryFn: ({ signal }) => api.get('/api/v1/events/stats', { query, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The streamed export of the same search (a plain link: the browser downloads it). */
export function exportUrl(f: EventFilters, format: 'csv' | 'json'): string {
  const { from, to, actor, type, item, folder, auditSet, order } = f;
  return buildUrl('/api/v1/events/export', { from, to, actor, type, item, folder, auditSet, order, format });
}
