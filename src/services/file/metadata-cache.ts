/**
 * A short-lived cache of Box metadata for the details routes (file, folder, versions,
 * collaborators), keyed by the Box user whose view it is — two users may see different things.
 * It saves Box calls when a page shows a file's tabs one after another; it is never a source of
 * authorisation (every request is authorised first) and `observeFile` never reads it. Concurrent
 * misses of one key share one Box call; failures are not cached.
 */
import type { Clock } from '../../platform/clock.ts';

export type CacheKind = 'file' | 'folder' | 'versions' | 'collaborators';

export interface CacheKey {
  orgId: string;
  itemId: string;
  kind: CacheKind;
  /** Box user whose view this is (null: the service account). */
  viewer: string | null;
}

export interface MetadataCache {
  fetch<T>(key: CacheKey, load: () => Promise<T>): Promise<T>;
  /** Drops everything cached about an item (a new version was observed, it was trashed...). */
  invalidate(orgId: string, itemId: string): void;
  readonly size: number;
}

export function createMetadataCache(o: { ttlMs: number; maxEntries: number; clock: Clock }): MetadataCache {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  const keyOf = (k: CacheKey) => `${k.orgId}|${k.itemId}|${k.kind}|${k.viewer ?? ''}`;

  return {
    fetch<T>(key: CacheKey, load: () => Promise<T>): Promise<T> {
      const now = o.clock.now().getTime();
      const k = keyOf(key);
      const hit = entries.get(k);
      if (hit && now - hit.at <= o.ttlMs) return hit.value as Promise<T>;
      if (hit) entries.delete(k);
      const value = load();
      entries.set(k, { at: now, value });
      value.catch(() => {
        if (entries.get(k)?.value === value) entries.delete(k);
      });
      // Oldest first out (Map keeps insertion order); bounded memory whatever the traffic.
      while (entries.size > o.maxEntries) entries.delete(entries.keys().next().value!);
      return value;
    },
    invalidate(orgId, itemId) {
      const prefix = `${orgId}|${itemId}|`;
      for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k);
    },
    get size() {
      return entries.size;
    },
  };
}
