/**
 * Names for the items in an access log, whose entries carry only ids: the set's top items are known;
 * other files and folders are looked up in their details (read through the set, and cached). Only
 * owners, co-owners, members and audit admins see access logs, and their reads are not logged.
 */
import { useQueries } from '@tanstack/react-query';
import type { AccessLogEntry, SetItem } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';

export function useItemNames(setId: string, entries: AccessLogEntry[], top: SetItem[]): Map<string, string> {
  const names = new Map(top.map((i) => [i.itemId, i.name]));
  const unknown = [
    ...new Map(entries.filter((e) => !names.has(e.itemId)).map((e) => [e.itemId, e])).values(),
  ];
  const found = useQueries({
    queries: unknown.map((e) => ({
      queryKey: [e.itemType === 'folder' ? 'folder' : 'file', e.itemId, setId],
      queryFn: ({ signal }: { signal: AbortSignal }) => {
        const o = { params: { id: e.itemId }, query: { setId }, signal };
        return e.itemType === 'folder'
          ? api.get('/api/v1/folders/{id}', o)
          : api.get('/api/v1/files/{id}', o);
      },
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  for (const q of found) if (q.data) names.set(q.data.id, q.data.name);
  return names;
}
