/**
 * Queries of the file API (`/api/v1/files/{id}…`, `/api/v1/folders/{id}…`) and the item history
 * (`/api/v1/items/{id}/events`). `setId` names the audit set the item was opened from: through it an
 * external auditor (or a set member) is allowed to see the item, and accesses are logged against it.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { buildUrl } from '../../api/api-client.ts';
import { api } from '../../api/typed-api.ts';

export const DETAIL_PAGE_SIZE = 20;

export function useFileDetails(id: string, setId: string | undefined) {
  return useQuery({
    queryKey: ['file', id, setId],
    queryFn: ({ signal }) => api.get('/api/v1/files/{id}', { params: { id }, query: { setId }, signal }),
  });
}

export function useFolderDetails(id: string, setId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['folder', id, setId],
    queryFn: ({ signal }) => api.get('/api/v1/folders/{id}', { params: { id }, query: { setId }, signal }),
    enabled,
  });
}

export function useFileVersions(id: string, setId: string | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: ['file', id, setId, 'versions', cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/files/{id}/versions', {
        params: { id },
        query: { setId, cursor, limit: DETAIL_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useFileCopies(id: string, setId: string | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: ['file', id, setId, 'copies', cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/files/{id}/copies', {
        params: { id },
        query: { setId, cursor, limit: DETAIL_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

export function useItemCollaborators(
  type: 'file' | 'folder',
  id: string,
  setId: string | undefined,
  cursor: string | undefined,
) {
  return useQuery({
    queryKey: [type, id, setId, 'collaborators', cursor],
    queryFn: ({ signal }) => {
      const o = { params: { id }, query: { setId, cursor, limit: DETAIL_PAGE_SIZE }, signal };
      return type === 'file'
        ? api.get('/api/v1/files/{id}/collaborators', o)
        : api.get('/api/v1/folders/{id}/collaborators', o);
    },
    placeholderData: keepPreviousData,
  });
}

export interface HistoryFilters {
  from: string | undefined;
  to: string | undefined;
  type: string | undefined;
  actor: string | undefined;
  order: 'asc' | 'desc';
}

export function useItemHistory(id: string, f: HistoryFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['item-events', id, f, cursor],
    queryFn: ({ signal }) =>
      api.get('/api/v1/items/{id}/events', {
        params: { id },
        query: { ...f, cursor, limit: DETAIL_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  });
}

/** Our own URLs for the file's bytes (never Box's): inline preview and download. */
export function contentUrl(
  kind: 'preview' | 'content',
  id: string,
  o: { setId?: string | undefined; versionId?: string | undefined } = {},
): string {
  return buildUrl(`/api/v1/files/${encodeURIComponent(id)}/${kind}`, {
    setId: o.setId,
    versionId: o.versionId,
  });
}

/**
 * How the server shows a preview, by the file's extension (mirrors the file service's inline types:
 * PDFs and common images inline, plain text inline, everything else only as a download).
 */
export type PreviewKind = 'pdf' | 'image' | 'text' | 'none';

export function previewKind(name: string): PreviewKind {
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase() ?? '';
  if (ext === 'pdf') return 'pdf';
  if (['png', 'jpg', 'jpeg', 'gif', 'webp'].includes(ext)) return 'image';
  if (['txt', 'csv', 'log', 'md', 'json'].includes(ext)) return 'text';
  return 'none';
}
