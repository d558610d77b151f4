import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessOf, canManageCollabs, findItem } from './access.ts';
import { actCtx, authOf, type Deps, requireScope } from './context.ts';
import { badParam, forbidden, notFound } from './errors.ts';
import {
  addCollaboration,
  COLLAB_ROLES,
  changeCollaborationRole,
  removeCollaboration,
} from './ops-folders.ts';
import { markerPage, parseLimit } from './paging.ts';
import { body, idParam, query, requireRead } from './route-helpers.ts';
import { collaborationJson } from './serialize-misc.ts';
import type { CollabRec, CollabRole } from './types.ts';

function parseRole(raw: unknown): CollabRole {
  if (typeof raw !== 'string' || !(COLLAB_ROLES as readonly string[]).includes(raw)) {
    throw badParam('role', `role must be one of ${COLLAB_ROLES.join(', ')}`);
  }
  return raw as CollabRole;
}

export function registerCollaborationRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  const listOn = (kind: 'file' | 'folder') => async (req: FastifyRequest) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const { item, access } =
      kind === 'file'
        ? findItem(store, ctx.user, 'file', idParam(req))
        : findItem(store, ctx.user, 'folder', idParam(req));
    requireRead(access);
    const q = query(req);
    const collabs = [...store.collabs.values()]
      .filter((c) => c.itemId === item.id)
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = markerPage(collabs, q.marker, parseLimit(q.limit, 100, 1000));
    return { ...page.meta, entries: page.entries.map((c) => collaborationJson(store, c)) };
  };
  app.get('/2.0/files/:id/collaborations', listOn('file'));
  app.get('/2.0/folders/:id/collaborations', listOn('folder'));

  const collabFor = (req: FastifyRequest): { collab: CollabRec; manage: boolean } => {
    const ctx = authOf(req);
    const collab = store.collabs.get(idParam(req));
    const item = collab ? store.item(collab.itemId) : undefined;
    if (!collab || !item) throw notFound();
    const access = accessOf(store, ctx.user, item);
    if (access === null && collab.userId !== ctx.user.id) throw notFound();
    return { collab, manage: canManageCollabs(access) };
  };

  app.get('/2.0/collaborations/:id', async (req) => {
    requireScope(authOf(req), 'root_readonly');
    return collaborationJson(store, collabFor(req).collab);
  });

  app.post('/2.0/collaborations', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const b = body(req);
    const target = (b.item ?? {}) as { type?: unknown; id?: unknown };
    if ((target.type !== 'file' && target.type !== 'folder') || typeof target.id !== 'string') {
      throw badParam('item', 'item must be {type: "file"|"folder", id}');
    }
    const { item, access } =
      target.type === 'file'
        ? findItem(store, ctx.user, 'file', target.id)
        : findItem(store, ctx.user, 'folder', target.id);
    if (!canManageCollabs(access)) throw forbidden();
    const who = (b.accessible_by ?? {}) as { type?: unknown; id?: unknown; login?: unknown };
    if (who.type !== 'user')
      throw badParam('accessible_by', 'accessible_by.type must be user (groups are not supported here)');
    const role = parseRole(b.role);
    const expiresMs = typeof b.expires_at === 'string' ? Date.parse(b.expires_at) : null;
    if (expiresMs !== null && Number.isNaN(expiresMs))
      throw badParam('expires_at', 'expires_at must be a date-time');
    let collab: CollabRec;
    if (typeof who.id === 'string') {
      const user = store.users.get(who.id);
      if (!user || user.kind === 'service_account') throw notFound('Not Found: user');
      collab = addCollaboration(store, actCtx(deps, req), item, { user }, role, expiresMs);
    } else if (typeof who.login === 'string' && /^[^@\s]+@[^@\s]+$/.test(who.login)) {
      const user = store.userByLogin(who.login);
      collab = addCollaboration(
        store,
        actCtx(deps, req),
        item,
        user ? { user } : { email: who.login },
        role,
        expiresMs,
      );
    } else {
      throw badParam('accessible_by', 'accessible_by needs an id or a login');
    }
    return reply.code(201).send(collaborationJson(store, collab));
  });

  app.put('/2.0/collaborations/:id', async (req) => {
    requireScope(authOf(req), 'root_readwrite');
    const { collab, manage } = collabFor(req);
    if (!manage) throw forbidden();
    changeCollaborationRole(store, actCtx(deps, req), collab, parseRole(body(req).role));
    return collaborationJson(store, collab);
  });

  app.delete('/2.0/collaborations/:id', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { collab, manage } = collabFor(req);
    if (!manage && collab.userId !== ctx.user.id) throw forbidden();
    removeCollaboration(store, actCtx(deps, req), collab);
    return reply.code(204).send();
  });
}
