import { notFound, trashedError } from './errors.ts';
import type { BoxStore } from './store.ts';
import type { CollabRec, CollabRole, FileRec, FolderRec, ItemRec, UserRec } from './types.ts';

/** What a user may do with an item: they own it, or a collaboration on it or an ancestor grants a role. */
export type Access = 'owner' | CollabRole;

const RANK: Record<Access, number> = {
  owner: 8,
  'co-owner': 7,
  editor: 6,
  'viewer uploader': 5,
  viewer: 4,
  'previewer uploader': 3,
  previewer: 2,
  uploader: 1,
};

export function activeCollabs(store: BoxStore, itemId: string): CollabRec[] {
  const now = store.now().getTime();
  const out: CollabRec[] = [];
  for (const c of store.collabs.values()) {
    if (c.itemId === itemId && c.status === 'accepted' && (c.expiresMs === null || c.expiresMs > now))
      out.push(c);
  }
  return out;
}

export function accessOf(store: BoxStore, user: UserRec, item: ItemRec): Access | null {
  if (item.ownerId === user.id) return 'owner';
  let best: Access | null = null;
  for (const target of [item, ...store.ancestors(item)]) {
    if (target.ownerId === user.id) return 'owner';
    for (const c of activeCollabs(store, target.id)) {
      if (c.userId === user.id && (best === null || RANK[c.role] > RANK[best])) best = c.role;
    }
  }
  return best;
}

export const canRead = (a: Access | null): boolean => a !== null && a !== 'uploader';
export const canDownload = (a: Access | null): boolean => canRead(a) && !a!.startsWith('previewer');
export const canWrite = (a: Access | null): boolean => a === 'owner' || a === 'co-owner' || a === 'editor';
export const canUploadInto = (a: Access | null): boolean => canWrite(a) || (a?.includes('uploader') ?? false);
export const canManageCollabs = (a: Access | null): boolean =>
  a === 'owner' || a === 'co-owner' || a === 'editor';

/** Owner plus every user with an accepted collaboration on the item or an ancestor. */
export function usersWithAccess(store: BoxStore, item: ItemRec): string[] {
  const ids = new Set<string>([item.ownerId]);
  for (const target of [item, ...store.ancestors(item)]) {
    ids.add(target.ownerId);
    for (const c of activeCollabs(store, target.id)) ids.add(c.userId);
  }
  return [...ids];
}

/** The ancestors the viewer can see: from the first accessible one down to the parent. */
export function visibleAncestors(store: BoxStore, viewer: UserRec | null, item: ItemRec): FolderRec[] {
  const anc = store.ancestors(item);
  if (!viewer) return anc;
  const idx = anc.findIndex((a) => accessOf(store, viewer, a) !== null);
  return idx === -1 ? [] : anc.slice(idx);
}

/** Looks an item up as `user` would: invisible items are 404 `not_found`, trashed ones 404 `trashed`. */
export function findItem(
  store: BoxStore,
  user: UserRec,
  kind: 'file',
  id: string,
  opts?: { allowTrashed?: boolean },
): { item: FileRec; access: Access };
export function findItem(
  store: BoxStore,
  user: UserRec,
  kind: 'folder',
  id: string,
  opts?: { allowTrashed?: boolean },
): { item: FolderRec; access: Access };
export function findItem(
  store: BoxStore,
  user: UserRec,
  kind: 'file' | 'folder',
  id: string,
  opts: { allowTrashed?: boolean } = {},
): { item: ItemRec; access: Access } {
  const item = kind === 'file' ? store.files.get(id) : store.folders.get(id);
  if (!item) throw notFound();
  const access = accessOf(store, user, item);
  if (access === null) throw notFound();
  if (!opts.allowTrashed && store.isTrashed(item)) throw trashedError();
  return { item, access };
}
