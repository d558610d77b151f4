/** The audit API: `/api/v1/audit-sets`, `/api/v1/audit-groups`, `/api/v1/items/:itemId/audit-sets`. */
import { z } from 'zod';
import { badRequest } from '../../platform/errors.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { buildPage, decodeCursor, pageSchema } from '../../platform/pagination.ts';
import type { createAccessLogs } from './access-logs.ts';
import {
  accessLogQuery,
  addItemBody,
  boxItemParams,
  childrenQuery,
  collaboratorsBody,
  createSetBody,
  favouriteBody,
  groupBody,
  itemSetsBody,
  listSetsQuery,
  ownerBody,
  setIdParams,
  setItemParams,
  updateGroupBody,
  updateItemBody,
  updateSetBody,
} from './audit-schemas.ts';
import type { GroupsService } from './groups-service.ts';
import { childSchema, itemSchema } from './item-dto.ts';
import type { ItemsService } from './items-service.ts';
import { collaboratorsSchema, groupSchema, setSchema } from './set-dto.ts';
import type { SetsService } from './sets-service.ts';

const setKey = z.object({ createdAt: z.coerce.date(), id: z.string().uuid() });
const sets$ = ['audit sets'];
const groups$ = ['audit groups'];

function marker(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const m = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!m || m.length > 900) throw badRequest('CURSOR_INVALID');
  return m;
}

export function registerAuditRoutes(
  app: App,
  d: {
    sets: SetsService;
    items: ItemsService;
    groups: GroupsService;
    accessLogs: ReturnType<typeof createAccessLogs>;
  },
): void {
  const auth = { auth: SIGNED_IN };

  app.get(
    '/api/v1/audit-sets',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'My audit sets (all for audit admins)',
        querystring: listSetsQuery,
        response: { 200: pageSchema(setSchema) },
      },
    },
    async (request) => {
      const user = userOf(request);
      const q = request.query;
      const page = { limit: q.limit, ...decodeCursor(q.cursor, setKey) };
      const rows = await d.sets.list(user, { ...page, q: q.q, filter: q.filter });
      const dtos = await d.sets.toDtos(user, rows);
      const byId = new Map(dtos.map((s) => [s.id, s]));
      return buildPage(
        rows,
        page,
        (r) => ({ createdAt: r.created_at, id: r.id }),
        (r) => byId.get(r.id)!,
      );
    },
  );
  app.post(
    '/api/v1/audit-sets',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Create an audit set (audit admins)',
        body: createSetBody,
        response: { 201: setSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await d.sets.create(userOf(request), request.body)),
  );
  app.get(
    '/api/v1/audit-sets/:id',
    {
      config: auth,
      schema: { tags: sets$, summary: 'One audit set', params: setIdParams, response: { 200: setSchema } },
    },
    async (request) => d.sets.get(userOf(request), request.params.id),
  );
  app.patch(
    '/api/v1/audit-sets/:id',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Rename or describe a set (owner, co-owner)',
        params: setIdParams,
        body: updateSetBody,
        response: { 200: setSchema },
      },
    },
    async (request) => d.sets.update(userOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/v1/audit-sets/:id',
    {
      config: auth,
      schema: { tags: sets$, summary: 'Delete a set (owner); restorable for 30 days', params: setIdParams },
    },
    async (request, reply) => {
      await d.sets.remove(userOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
  app.post(
    '/api/v1/audit-sets/:id/restore',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Restore a deleted set (audit admins, within 30 days)',
        params: setIdParams,
        response: { 200: setSchema },
      },
    },
    async (request) => d.sets.restore(userOf(request), request.params.id),
  );
  app.get(
    '/api/v1/audit-sets/:id/collaborators',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Collaborators and groups of a set',
        params: setIdParams,
        response: { 200: collaboratorsSchema },
      },
    },
    async (request) => d.sets.collaborators(userOf(request), request.params.id),
  );
  app.put(
    '/api/v1/audit-sets/:id/collaborators',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Replace collaborators and groups (owner, co-owner)',
        params: setIdParams,
        body: collaboratorsBody,
        response: { 200: collaboratorsSchema },
      },
    },
    async (request) => d.sets.setCollaborators(userOf(request), request.params.id, request.body),
  );
  app.put(
    '/api/v1/audit-sets/:id/owner',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Transfer ownership to a co-owner',
        params: setIdParams,
        body: ownerBody,
        response: { 200: setSchema },
      },
    },
    async (request) => d.sets.transferOwnership(userOf(request), request.params.id, request.body.userId),
  );
  app.put(
    '/api/v1/audit-sets/:id/favourite',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Mark or unmark a set as a favourite',
        params: setIdParams,
        body: favouriteBody,
      },
    },
    async (request, reply) => {
      await d.sets.setFavourite(userOf(request), request.params.id, request.body.favourite);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/audit-sets/:id/items',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Top-level items with live metadata and status',
        params: setIdParams,
        response: { 200: z.object({ items: z.array(itemSchema) }) },
      },
    },
    async (request) => ({ items: await d.items.list(userOf(request), request.params.id) }),
  );
  app.post(
    '/api/v1/audit-sets/:id/items',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Add a file, or a folder with allow-list rules (202: baseline pending)',
        params: setIdParams,
        body: addItemBody,
        response: { 202: itemSchema },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await d.items.add(userOf(request), request.params.id, request.body)),
  );
  app.get(
    '/api/v1/audit-sets/:id/items/:itemId',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'One item of a set',
        params: setItemParams,
        response: { 200: itemSchema },
      },
    },
    async (request) => d.items.get(userOf(request), request.params.id, request.params.itemId),
  );
  app.put(
    '/api/v1/audit-sets/:id/items/:itemId',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: "Replace a folder item's allow-list rules",
        params: setItemParams,
        body: updateItemBody,
        response: { 202: itemSchema },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await d.items.updateRules(
            userOf(request),
            request.params.id,
            request.params.itemId,
            request.body.rules,
          ),
        ),
  );
  app.delete(
    '/api/v1/audit-sets/:id/items/:itemId',
    { config: auth, schema: { tags: sets$, summary: 'Remove an item from a set', params: setItemParams } },
    async (request, reply) => {
      await d.items.remove(userOf(request), request.params.id, request.params.itemId);
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/v1/audit-sets/:id/items/:itemId/children',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Allowed children of a folder inside a set item',
        params: setItemParams,
        querystring: childrenQuery,
        response: { 200: z.object({ items: z.array(childSchema), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => {
      const q = request.query;
      const res = await d.items.children(
        userOf(request),
        request.params.id,
        request.params.itemId,
        q.folderId ?? request.params.itemId,
        {
          limit: q.limit,
          ...(marker(q.cursor) ? { marker: marker(q.cursor) } : {}),
        },
      );
      return {
        items: res.items,
        nextCursor: res.nextMarker ? Buffer.from(res.nextMarker).toString('base64url') : null,
      };
    },
  );
  app.get(
    '/api/v1/audit-sets/:id/access-logs',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Views, previews and downloads in a set (owner, co-owner, member, audit admin)',
        params: setIdParams,
        querystring: accessLogQuery,
        response: {
          200: pageSchema(
            z.object({
              id: z.string(),
              at: z.string(),
              action: z.string(),
              itemId: z.string(),
              itemType: z.string(),
              user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
            }),
          ),
        },
      },
    },
    async (request) => d.accessLogs.list(userOf(request), request.params.id, request.query),
  );

  const itemSet = z.object({
    setId: z.string().uuid(),
    name: z.string(),
    contains: z.boolean(),
    canEdit: z.boolean(),
  });
  app.get(
    '/api/v1/items/:itemId/audit-sets',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Which of my sets contain this item',
        params: boxItemParams,
        response: { 200: z.object({ items: z.array(itemSet) }) },
      },
    },
    async (request) => ({ items: await d.items.setsOfItem(userOf(request), request.params.itemId) }),
  );
  app.put(
    '/api/v1/items/:itemId/audit-sets',
    {
      config: auth,
      schema: {
        tags: sets$,
        summary: 'Add this item to some sets and remove it from others',
        params: boxItemParams,
        body: itemSetsBody,
        response: { 200: z.object({ items: z.array(itemSet) }) },
      },
    },
    async (request) => ({
      items: await d.items.updateSetsOfItem(userOf(request), request.params.itemId, request.body),
    }),
  );

  app.get(
    '/api/v1/audit-groups',
    {
      config: auth,
      schema: {
        tags: groups$,
        summary: 'Audit groups (audit admins)',
        response: { 200: z.object({ items: z.array(groupSchema) }) },
      },
    },
    async (request) => ({ items: await d.groups.list(userOf(request)) }),
  );
  app.post(
    '/api/v1/audit-groups',
    {
      config: auth,
      schema: {
        tags: groups$,
        summary: 'Create an audit group of external auditors',
        body: groupBody,
        response: { 201: groupSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await d.groups.create(userOf(request), request.body)),
  );
  app.get(
    '/api/v1/audit-groups/:id',
    {
      config: auth,
      schema: {
        tags: groups$,
        summary: 'One audit group',
        params: setIdParams,
        response: { 200: groupSchema },
      },
    },
    async (request) => d.groups.get(userOf(request), request.params.id),
  );
  app.patch(
    '/api/v1/audit-groups/:id',
    {
      config: auth,
      schema: {
        tags: groups$,
        summary: 'Rename a group or change its members',
        params: setIdParams,
        body: updateGroupBody,
        response: { 200: groupSchema },
      },
    },
    async (request) => d.groups.update(userOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/v1/audit-groups/:id',
    {
      config: auth,
      schema: {
        tags: groups$,
        summary: 'Delete a group (its set assignments go with it)',
        params: setIdParams,
      },
    },
    async (request, reply) => {
      await d.groups.remove(userOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
