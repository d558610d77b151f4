import type { FastifyInstance } from 'fastify';
import { findItem } from './access.ts';
import { actCtx, authOf, type Deps, requireScope } from './context.ts';
import { badParam } from './errors.ts';
import { parseFields } from './fields.ts';
import { findVersion, promoteVersion, restoreVersion, trashVersion } from './ops-versions.ts';
import { offsetPage, parseLimit, parseOffset } from './paging.ts';
import { body, checkIfMatch, idParam, query, requireRead, requireWrite } from './route-helpers.ts';
import { versionFull } from './serialize-item.ts';

const versionParam = (params: unknown): string => (params as { vid: string }).vid;

export function registerVersionRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  /** Past versions only (the current one is the file's `file_version`), newest first. */
  app.get('/2.0/files/:id/versions', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireRead(access);
    const q = query(req);
    const past = item.versions
      .filter((v) => v.id !== item.currentVersionId)
      .sort((a, b) => b.versionNumber - a.versionNumber);
    const page = offsetPage(past, parseOffset(q.offset), parseLimit(q.limit, 1000, 1000));
    const fields = parseFields(q.fields);
    return { ...page.meta, entries: page.entries.map((v) => versionFull(store, v, fields)) };
  });

  app.get('/2.0/files/:id/versions/:vid', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readonly');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireRead(access);
    return versionFull(store, findVersion(item, versionParam(req.params)), parseFields(query(req).fields));
  });

  app.post('/2.0/files/:id/versions/current', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireWrite(access);
    const b = body(req);
    if (typeof b.id !== 'string') throw badParam('id', 'id of the file version is required');
    if (b.type !== undefined && b.type !== 'file_version')
      throw badParam('type', 'type must be file_version');
    const version = promoteVersion(store, actCtx(deps, req), item, b.id);
    return reply.code(201).send(versionFull(store, version, parseFields(query(req).fields)));
  });

  app.delete('/2.0/files/:id/versions/:vid', async (req, reply) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireWrite(access);
    checkIfMatch(req, item);
    trashVersion(store, actCtx(deps, req), item, versionParam(req.params));
    return reply.code(204).send();
  });

  app.put('/2.0/files/:id/versions/:vid', async (req) => {
    const ctx = authOf(req);
    requireScope(ctx, 'root_readwrite');
    const { item, access } = findItem(store, ctx.user, 'file', idParam(req));
    requireWrite(access);
    const b = body(req);
    if (!('trashed_at' in b) || b.trashed_at !== null)
      throw badParam('trashed_at', 'only {"trashed_at": null} (restore) is supported');
    const version = restoreVersion(store, actCtx(deps, req), item, versionParam(req.params));
    return versionFull(store, version, parseFields(query(req).fields));
  });
}
