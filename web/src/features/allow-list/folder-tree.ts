/**
 * The lazily loaded Box folder tree behind the allow-list editor: a folder's entries are fetched when
 * it is first expanded (`GET /api/v1/folders/{id}/items`), a page at a time, the next page when the
 * user scrolls to the end of what is loaded. Only loaded, expanded folders become rows.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { FolderEntry } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';
import type { TreeNode } from './allow-selection.ts';

export const FOLDER_PAGE_SIZE = 200;

export interface Listing {
  ids: string[];
  nextCursor: string | null;
  loading: boolean;
  loaded: boolean;
  error: unknown;
}

interface TreeState {
  nodes: Map<string, TreeNode>;
  listings: Map<string, Listing>;
  expanded: Set<string>;
}

type Action =
  | { kind: 'loading'; folderId: string }
  | { kind: 'loaded'; folderId: string; entries: FolderEntry[]; nextCursor: string | null }
  | { kind: 'failed'; folderId: string; error: unknown }
  | { kind: 'expand'; folderId: string; open: boolean };

const EMPTY: Listing = { ids: [], nextCursor: null, loading: false, loaded: false, error: null };

function reduce(state: TreeState, a: Action): TreeState {
  const listing = state.listings.get(a.folderId) ?? EMPTY;
  const withListing = (next: Listing) => ({
    ...state,
    listings: new Map(state.listings).set(a.folderId, next),
  });
  switch (a.kind) {
    case 'loading':
      return withListing({ ...listing, loading: true, error: null });
    case 'failed':
      return withListing({ ...listing, loading: false, error: a.error });
    case 'loaded': {
      const parent = state.nodes.get(a.folderId);
      const ancestors = parent ? [...parent.ancestors, parent.id] : [a.folderId];
      const nodes = new Map(state.nodes);
      const ids = [...listing.ids];
      for (const e of a.entries) {
        if (!nodes.has(e.id)) ids.push(e.id);
        nodes.set(e.id, { id: e.id, type: e.type, name: e.name, ancestors });
      }
      return {
        ...state,
        nodes,
        listings: new Map(state.listings).set(a.folderId, {
          ids,
          nextCursor: a.nextCursor,
          loading: false,
          loaded: true,
          error: null,
        }),
      };
    }
    case 'expand': {
      const expanded = new Set(state.expanded);
      if (a.open) expanded.add(a.folderId);
      else expanded.delete(a.folderId);
      return { ...state, expanded };
    }
  }
}

export type TreeRow =
  | { kind: 'node'; key: string; node: TreeNode; level: number; posinset: number; setsize: number }
  | {
      kind: 'more' | 'loading' | 'error' | 'empty';
      key: string;
      folderId: string;
      level: number;
      error?: unknown;
    };

export function useFolderTree(top: TreeNode) {
  const [state, dispatch] = useReducer(reduce, top, (t) => ({
    nodes: new Map([[t.id, { ...t, ancestors: [] }]]),
    listings: new Map(),
    expanded: new Set([t.id]),
  }));
  const stateRef = useRef(state);
  stateRef.current = state;
  const aborts = useRef(new Set<AbortController>());
  useEffect(() => {
    const pending = aborts.current;
    return () => {
      for (const c of pending) c.abort();
    };
  }, []);

  /** Loads the first (or next) page of a folder, once at a time. */
  const load = useCallback(async (folderId: string) => {
    const listing = stateRef.current.listings.get(folderId) ?? EMPTY;
    if (listing.loading || (listing.loaded && !listing.nextCursor)) return;
    dispatch({ kind: 'loading', folderId });
    stateRef.current = {
      ...stateRef.current,
      listings: new Map(stateRef.current.listings).set(folderId, { ...listing, loading: true }),
    };
    const controller = new AbortController();
    aborts.current.add(controller);
    try {
      const page = await api.get('/api/v1/folders/{id}/items', {
        params: { id: folderId },
        query: { limit: FOLDER_PAGE_SIZE, cursor: listing.nextCursor ?? undefined },
        signal: controller.signal,
      });
      dispatch({ kind: 'loaded', folderId, entries: page.items, nextCursor: page.nextCursor });
    } catch (error) {
      if (!controller.signal.aborted) dispatch({ kind: 'failed', folderId, error });
    } finally {
      aborts.current.delete(controller);
    }
  }, []);

  const setExpanded = useCallback(
    (folderId: string, open: boolean) => {
      dispatch({ kind: 'expand', folderId, open });
      if (open && !stateRef.current.listings.get(folderId)?.loaded) void load(folderId);
    },
    [load],
  );

  // The top folder opens with its first page.
  useEffect(() => {
    void load(top.id);
  }, [load, top.id]);

  const rows = useMemo(() => flatten(state, top.id), [state, top.id]);
  return { rows, state, load, setExpanded };
}

/** Visible rows: depth-first over expanded folders, with a row for loading / more / errors. */
function flatten(state: TreeState, topId: string): TreeRow[] {
  const rows: TreeRow[] = [];
  const top = state.nodes.get(topId);
  if (!top) return rows;
  const visit = (node: TreeNode, level: number, posinset: number, setsize: number) => {
    rows.push({ kind: 'node', key: node.id, node, level, posinset, setsize });
    if (node.type !== 'folder' || !state.expanded.has(node.id)) return;
    const listing = state.listings.get(node.id);
    const childLevel = level + 1;
    if (!listing || (!listing.loaded && listing.loading)) {
      rows.push({ kind: 'loading', key: `loading:${node.id}`, folderId: node.id, level: childLevel });
      return;
    }
    listing.ids.forEach((id, i) => {
      const child = state.nodes.get(id);
      if (child) visit(child, childLevel, i + 1, listing.ids.length);
    });
    if (listing.error) {
      rows.push({
        kind: 'error',
        key: `error:${node.id}`,
        folderId: node.id,
        level: childLevel,
        error: listing.error,
      });
    } else if (listing.nextCursor) {
      rows.push({
        kind: listing.loading ? 'loading' : 'more',
        key: `more:${node.id}`,
        folderId: node.id,
        level: childLevel,
      });
    } else if (listing.loaded && listing.ids.length === 0) {
      rows.push({ kind: 'empty', key: `empty:${node.id}`, folderId: node.id, level: childLevel });
    }
  };
  visit(top, 1, 1, 1);
  return rows;
}
