/**
 * Queries and changes of audit sets (`/api/v1/audit-sets…`, `/api/v1/items/{itemId}/audit-sets`):
 * lists, one set, collaborators, items with their baseline status, folder browsing inside a set,
 * access logs. Every change refreshes what it affects.
 */
import {
  keepPreviousData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { AllowRule, AuditSet, ItemType, Me, SetItem, SetRole } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';

export const SET_PAGE_SIZE = 24;
export type SetFilter = 'all' | 'new' | 'in_review' | 'favourites' | 'deleted';
export const SET_FILTERS: readonly SetFilter[] = ['all', 'new', 'in_review', 'favourites', 'deleted'];

const setsKey = ['audit-sets'] as const;
const setKey = (id: string) => ['audit-set', id] as const;

function refreshSets(queryClient: QueryClient, id?: string) {
  void queryClient.invalidateQueries({ queryKey: setsKey });
  void queryClient.invalidateQueries({ queryKey: ['item-sets'] });
  if (id) void queryClient.invalidateQueries({ queryKey: setKey(id) });
}

export function useAuditSets(filter: SetFilter, q: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...setsKey, filter, q, cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/audit-sets', {
        query: { filter, q: q || undefined, cursor, limit: SET_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

/** Every live set the user may see (for pickers); at most 200. */
export function useAllMySets() {
  return useQuery({
    queryKey: [...setsKey, 'picker'],
    queryFn: ({ signal }) => api.get('/api/v1/audit-sets', { query: { limit: 200 }, signal }),
    select: (page) => page.items,
  });
}

export function useAuditSet(id: string) {
  return useQuery({
    queryKey: setKey(id),
    queryFn: ({ signal }) => api.get('/api/v1/audit-sets/{id}', { params: { id }, signal }),
  });
}

export interface CollaboratorChoice {
  userId: string;
  role: Exclude<SetRole, 'OWNER'>;
}

export interface NewSet {
  name: string;
  description: string;
  collaborators: CollaboratorChoice[];
  groups: string[];
}

export function useCreateSet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (s: NewSet) =>
      api.post('/api/v1/audit-sets', {
        body: {
          name: s.name,
          ...(s.description ? { description: s.description } : {}),
          collaborators: s.collaborators,
          groups: s.groups,
        },
      }),
    onSuccess: () => refreshSets(queryClient),
  });
}

export function useUpdateSet(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (changes: { name?: string; description?: string }) =>
      api.patch('/api/v1/audit-sets/{id}', { params: { id }, body: changes }),
    onSuccess: (set) => {
      queryClient.setQueryData(setKey(id), set);
      refreshSets(queryClient, id);
    },
  });
}

export function useDeleteSet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete('/api/v1/audit-sets/{id}', { params: { id } }),
    // The deleted set's own queries are left alone: its page is still open and would ask again (and
    // get 404). A restore refreshes them.
    onSuccess: () => refreshSets(queryClient),
  });
}

export function useRestoreSet() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post('/api/v1/audit-sets/{id}/restore', { params: { id } }),
    onSuccess: (_, id) => refreshSets(queryClient, id),
  });
}

export function useFavourite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; favourite: boolean }) =>
      api.put('/api/v1/audit-sets/{id}/favourite', {
        params: { id: v.id },
        body: { favourite: v.favourite },
      }),
    onSuccess: (_, v) => refreshSets(queryClient, v.id),
  });
}

export function useSetCollaborators(id: string) {
  return useQuery({
    queryKey: [...setKey(id), 'collaborators'],
    queryFn: ({ signal }) => api.get('/api/v1/audit-sets/{id}/collaborators', { params: { id }, signal }),
  });
}

export function useSaveCollaborators(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { collaborators: CollaboratorChoice[]; groups: string[] }) =>
      api.put('/api/v1/audit-sets/{id}/collaborators', { params: { id }, body: v }),
    onSuccess: (data) => {
      queryClient.setQueryData([...setKey(id), 'collaborators'], data);
      refreshSets(queryClient, id);
    },
  });
}

export function useTransferOwner(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) =>
      api.put('/api/v1/audit-sets/{id}/owner', { params: { id }, body: { userId } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: setKey(id) });
      refreshSets(queryClient, id);
    },
  });
}

const BASELINE_POLL_MS = 1500;

/** The set's top items; polled while a baseline is being recorded (PENDING_BASELINE → MONITORED). */
export function useSetItems(id: string) {
  return useQuery({
    queryKey: [...setKey(id), 'items'],
    queryFn: ({ signal }) => api.get('/api/v1/audit-sets/{id}/items', { params: { id }, signal }),
    select: (data) => data.items,
    refetchInterval: (query) =>
      query.state.data?.items.some((i) => i.status === 'PENDING_BASELINE') ? BASELINE_POLL_MS : false,
  });
}

export function useSetItem(id: string, itemId: string) {
  return useQuery({
    queryKey: [...setKey(id), 'items', itemId],
    queryFn: ({ signal }) =>
      api.get('/api/v1/audit-sets/{id}/items/{itemId}', { params: { id, itemId }, signal }),
  });
}

function useItemsMutation<V>(id: string, fn: (v: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: setKey(id) });
      refreshSets(queryClient);
    },
  });
}

export function useAddItem(setId: string) {
  return useItemsMutation(setId, (v: { itemId: string; type: ItemType; rules?: AllowRule[] }) =>
    api.post('/api/v1/audit-sets/{id}/items', {
      params: { id: setId },
      body: { itemId: v.itemId, type: v.type, ...(v.rules && v.rules.length > 0 ? { rules: v.rules } : {}) },
    }),
  );
}

export function useUpdateItemRules(setId: string) {
  return useItemsMutation(setId, (v: { itemId: string; rules: AllowRule[] }) =>
    api.put('/api/v1/audit-sets/{id}/items/{itemId}', {
      params: { id: setId, itemId: v.itemId },
      body: { rules: v.rules },
    }),
  );
}

export function useRemoveItem(setId: string) {
  return useItemsMutation(setId, (itemId: string) =>
    api.delete('/api/v1/audit-sets/{id}/items/{itemId}', { params: { id: setId, itemId } }),
  );
}

export const CHILDREN_PAGE_SIZE = 100;

/** Allowed children of a folder inside a set item, page by page ("load more"). */
export function useSetChildren(setId: string, itemId: string, folderId: string) {
  return useInfiniteQuery({
    queryKey: [...setKey(setId), 'children', itemId, folderId],
    queryFn: ({ pageParam, signal }) =>
      api.get('/api/v1/audit-sets/{id}/items/{itemId}/children', {
        params: { id: setId, itemId },
        query: { folderId, limit: CHILDREN_PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export const ACCESS_LOG_PAGE_SIZE = 50;

export function useAccessLogs(setId: string, itemId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: [...setKey(setId), 'access-logs', itemId, cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/audit-sets/{id}/access-logs', {
        params: { id: setId },
        query: { itemId: itemId || undefined, cursor, limit: ACCESS_LOG_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

/** F5.7: which of my sets contain an item. */
export function useItemSets(itemId: string) {
  return useQuery({
    queryKey: ['item-sets', itemId],
    queryFn: ({ signal }) => api.get('/api/v1/items/{itemId}/audit-sets', { params: { itemId }, signal }),
    select: (data) => data.items,
  });
}

export function useUpdateItemSets(itemId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (v: { type: ItemType; add: string[]; remove: string[] }) =>
      api.put('/api/v1/items/{itemId}/audit-sets', { params: { itemId }, body: v }),
    onSuccess: (data) => {
      queryClient.setQueryData(['item-sets', itemId], data);
      void queryClient.invalidateQueries({ queryKey: setsKey });
      for (const id of [...new Set(data.items.map((s) => s.setId))])
        void queryClient.invalidateQueries({ queryKey: setKey(id) });
    },
  });
}

/** What the signed-in user may do with a set (the API decides again on every request). */
export interface SetPermissions {
  editItems: boolean;
  editSet: boolean;
  delete: boolean;
  viewAccessLogs: boolean;
}

export function setPermissions(me: Me, set: Pick<AuditSet, 'myRole'>): SetPermissions {
  const admin = me.roles.includes('AUDIT_ADMIN');
  const role = set.myRole;
  const has = (...roles: SetRole[]) => admin || (role !== null && roles.includes(role));
  return {
    editItems: has('OWNER', 'CO_OWNER', 'MEMBER'),
    editSet: has('OWNER', 'CO_OWNER'),
    delete: has('OWNER'),
    viewAccessLogs: has('OWNER', 'CO_OWNER', 'MEMBER'),
  };
}

export function isPending(item: Pick<SetItem, 'status'>): boolean {
  return item.status === 'PENDING_BASELINE';
}
