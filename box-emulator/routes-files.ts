import type { FastifyInstance } from 'fastify';
import { findItem } from './access.ts';
import { actCtx, authOf, type Deps, requireScope } from './context.ts';
import { BoxHttpError, badParam, forbidden, notFound } from './errors.ts';
import { parseFields } from './fields.ts';
import { copyFile, moveItem, renameItem, restoreItem, trashItem } from './ops-files.ts';
import {
  body,
  checkIfMatch,
  idParam,
  notModified,
  query,
  requireRead,
  requireWrite,
  resolveTarget,
} from './route-helpers.ts';
import { fileFull, folderMini } from './serialize-item.ts';
import type { BoxStore } from './store.ts';
import type { FileRec, ItemRec, Json, UserRec } from './types.ts';

/** A trashed item as `GET /files/{id}/trash` shows it: path_collection is the Trash. */
export function trashedJson(store: BoxStore, item: ItemRec, full: Json): Json {
  return {
    ...full,
    path_collection: {
      total_count: 1,
      entries: [{ type: 'folder', id: '1', sequence_id: null, etag: null, name: 'Trash' }],
    },
    parent: folderMini(item.parentId ? store.folders.get(item.parentId) : null),
    item_status: 'trashed',
  };
}

/** An item in the trash (trashed itself, not through a folder) that `user` may restore or inspect. */
export function trashedItem(store: BoxStore, user: UserRec, kind: 'file' | 'folder', id: string): ItemRec {
  const { item } =
    kind === 'file'
      ? findItem(store, user, 'file', id, { allowTrashed: true })
      : findItem(store, user, 'folder', id, { allowTrashed: true });
  if (item.trashedMs === null)
    throw notFound(store.isTrashed(item) ? 'Not Found: the item is in a trashed folder' : 'Not Found');
  return item;
}

export function registerFileRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  app.get('/2.0/files/:id', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireRead(access);
    if (notModified(req, item)) return reply.code(304).send();
    return fileFull(store, ctx.user, item, parseFields(query(req).fields));
  });

  app.put('/2.0/files/:id', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
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
    if (b.description !== undefined) {
      if (typeof b.description !== 'string' || b.description.length > 256)
        throw badParam('description', 'description must be a string of at most 256 characters');
      item.description = b.description;
      item.etag += 1;
      store.dirty = true;
    }
    return fileFull(store, ctx.user, item, parseFields(query(req).fields));
  });

  app.delete('/2.0/files/:id', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireWrite(access);
    checkIfMatch(req, item);
    trashItem(store, actCtx(deps, req), item);
    return reply.code(204).send();
  });

  app.get('/2.0/files/:id/trash', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const item = trashedItem(store, ctx.user, 'file', idParam(req)) as FileRec;
    return trashedJson(store, item, fileFull(store, ctx.user, item, parseFields(query(req).fields)));
  });

  app.post('/2.0/files/:id', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const id = idParam(req);
    const { item, access } = findItem(store, ctx.user, 'file', id, { allowTrashed: true });
    if (item.trashedMs === null) throw new BoxHttpError(404, 'not_trashed', 'Item is not trashed');
    requireWrite(access);
    const b = body(req);
    const parentId = b.parent !== undefined ? resolveTarget(store, ctx.user, b.parent) : undefined;
    restoreItem(store, actCtx(deps, req), item, {
      ...(typeof b.name === 'string' ? { name: b.name } : {}),
      ...(parentId !== undefined ? { parentId } : {}),
    });
    return reply.code(201).send(fileFull(store, ctx.user, item, parseFields(query(req).fields)));
  });

  app.post('/2.0/files/:id/copy', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireRead(access);
    const b = body(req);
    const target = resolveTarget(store, ctx.user, b.parent);
    const copy = copyFile(
      store,
      actCtx(deps, req),
      item,
      target,
      typeof b.name === 'string' ? b.name : undefined,
    );
    return reply.code(201).send(fileFull(store, ctx.user, copy, parseFields(query(req).fields)));
  });
}
