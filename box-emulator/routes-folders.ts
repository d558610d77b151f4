import type { FastifyInstance } from 'fastify';
import { accessOf, canRead, findItem } from './access.ts';
import { actCtx, authOf, type Deps, requireScope } from './context.ts';
import { BoxHttpError, badParam, forbidden, notFound } from './errors.ts';
import { parseFields } from './fields.ts';
import { moveItem, renameItem, restoreItem, trashItem } from './ops-files.ts';
import { createFolder } from './ops-folders.ts';
import { markerPage, offsetPage, parseLimit, parseOffset, wantsMarkerPaging } from './paging.ts';
import {
  body,
  checkIfMatch,
  idParam,
  notModified,
  type Query,
  query,
  requireRead,
  requireWrite,
  resolveTarget,
} from './route-helpers.ts';
import { currentVersion, folderFull, folderSize, itemEntry, rootFolderFull } from './serialize-item.ts';
import type { BoxStore } from './store.ts';
import type { ItemRec, Json, UserRec } from './types.ts';

/** What a user sees in a folder; in "0": their own top-level items plus items shared with them directly. */
function visibleChildren(store: BoxStore, user: UserRec, folderId: string): ItemRec[] {
  if (folderId !== '0') return store.children(folderId).filter((c) => c.trashedMs === null);
  const own = store.children(null, user.id).filter((c) => c.trashedMs === null);
  const shared: ItemRec[] = [];
  for (const c of store.collabs.values()) {
    if (c.userId !== user.id || c.status !== 'accepted') continue;
    const item = store.item(c.itemId);
    if (item && item.ownerId !== user.id && !store.isTrashed(item) && !shared.includes(item))
      shared.push(item);
  }
  return [...own, ...shared];
}

const SORTS = ['id', 'name', 'date', 'size'] as const;

function sortItems(store: BoxStore, items: ItemRec[], sort: string, direction: 'ASC' | 'DESC'): ItemRec[] {
  const key = (i: ItemRec): string | number =>
    sort === 'id'
      ? Number(i.id)
      : sort === 'date'
        ? i.modifiedMs
        : sort === 'size'
          ? i.kind === 'file'
            ? currentVersion(i).size
            : folderSize(store, i)
          : i.name.toLowerCase();
  const sign = direction === 'DESC' ? -1 : 1;
  return [...items].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : Number(a.id) - Number(b.id)) * sign;
  });
}

function listing(store: BoxStore, user: UserRec, folderId: string, q: Query, defaultLimit = 100): Json {
  const sort = q.sort ?? 'name';
  if (!(SORTS as readonly string[]).includes(sort))
    throw badParam('sort', 'sort must be id, name, date or size');
  const direction = (q.direction ?? 'ASC').toUpperCase();
  if (direction !== 'ASC' && direction !== 'DESC')
    throw badParam('direction', 'direction must be ASC or DESC');
  const items = sortItems(store, visibleChildren(store, user, folderId), sort, direction);
  const limit = parseLimit(q.limit, defaultLimit, 1000);
  const order = [
    { by: 'type', direction: 'ASC' },
    { by: sort, direction },
  ];
  const page = wantsMarkerPaging(q)
    ? markerPage(items, q.marker, limit)
    : offsetPage(items, parseOffset(q.offset), limit, order);
  const fields = parseFields(q.fields);
  return { ...page.meta, entries: page.entries.map((i) => itemEntry(store, user, i, fields)) };
}

export function registerFolderRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  app.get('/2.0/folders/:id', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const id = idParam(req);
    const fields = parseFields(query(req).fields);
    const collection = () => listing(store, ctx.user, id, { limit: '100' });
    if (id === '0') return rootFolderFull(store, ctx.user, fields, collection);
    const { item, access } = findItem(store, ctx.user, 'folder', id);
    requireRead(access);
    if (notModified(req, item)) return reply.code(304).send();
    return folderFull(store, ctx.user, item, fields, collection);
  });

  app.get('/2.0/folders/:id/items', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const id = idParam(req);
    if (id !== '0') requireRead(findItem(store, ctx.user, 'folder', id).access);
    return listing(store, ctx.user, id, query(req));
  });

  app.post('/2.0/folders', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const b = body(req);
    const parentId = resolveTarget(store, ctx.user, b.parent);
    const folder = createFolder(store, actCtx(deps, req), parentId, String(b.name ?? ''));
    return reply
      .code(201)
      .send(
        folderFull(store, ctx.user, folder, parseFields(query(req).fields), () =>
          listing(store, ctx.user, folder.id, {}),
        ),
      );
  });

  app.put('/2.0/folders/:id', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const id = idParam(req);
    if (id === '0') throw forbidden('The root folder cannot be changed');
    const { item, access } = findItem(store, ctx.user, 'folder', id);
    requireWrite(access);
    checkIfMatch(req, item);
    const b = body(req);
    const act = actCtx(deps, req);
    if (b.parent !== undefined) {
      const target = resolveTarget(store, ctx.user, b.parent);
      if (target === null && item.ownerId !== ctx.user.id)
        throw forbidden('Only the owner can move an item to their root folder');
      moveItem(store, act, item, target);
    }
    if (b.name !== undefined) renameItem(store, act, item, String(b.name));
    return folderFull(store, ctx.user, item, parseFields(query(req).fields));
  });

  app.delete('/2.0/folders/:id', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const id = idParam(req);
    if (id === '0') throw badParam('folder_id', 'The root folder cannot be deleted');
    const { item, access } = findItem(store, ctx.user, 'folder', id);
    requireWrite(access);
    checkIfMatch(req, item);
    const recursive = query(req).recursive === 'true';
    if (!recursive && store.children(item.id).some((c) => c.trashedMs === null)) {
      throw new BoxHttpError(400, 'folder_not_empty', 'Cannot delete – folder not empty');
    }
    trashItem(store, actCtx(deps, req), item);
    return reply.code(204).send();
  });

  app.post('/2.0/folders/:id', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const folder = store.folders.get(idParam(req));
    if (!folder || !canRead(accessOf(store, ctx.user, folder))) throw notFound();
    if (folder.trashedMs === null) throw new BoxHttpError(404, 'not_trashed', 'Item is not trashed');
    requireWrite(accessOf(store, ctx.user, folder)!);
    const b = body(req);
    const parentId = b.parent !== undefined ? resolveTarget(store, ctx.user, b.parent) : undefined;
    restoreItem(store, actCtx(deps, req), folder, {
      ...(typeof b.name === 'string' ? { name: b.name } : {}),
      ...(parentId !== undefined ? { parentId } : {}),
    });
    return reply.code(201).send(folderFull(store, ctx.user, folder, parseFields(query(req).fields)));
  });
}
