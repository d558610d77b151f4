/**
 * The folder API (product.md §6, F4.2): details and a paged listing for building allow-lists.
 * Box users browse as Box shows them (As-User themselves); through an audit set — external auditors
 * always — a folder is listed as its owner sees it and only what the set's rules allow is shown, a
 * partly selected folder included (with `allowed: false`). The cursor wraps Box's marker and a
 * position within Box's page, so filtered pages are full without losing entries between requests.
 */
import { z } from 'zod';
import type { BoxUserRef } from '../../box/box-model.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { decodeCursor, encodeCursor, pageSchema } from '../../platform/pagination.ts';
import { isAllowed } from '../audit/allow-rules.ts';
import type { AuditClient } from '../audit/audit-client.ts';
import type { CatalogueEntry } from './catalogue-repository.ts';
import { collaboratorList } from './file-routes.ts';
import {
  collaboratorSchema,
  folderDetailsSchema,
  folderEntrySchema,
  idParams,
  itemQuery,
  pagedItemQuery,
} from './file-schemas.ts';
import { type ItemAccess, pathWithin, shownBelow } from './item-access.ts';
import type { ItemViews } from './item-views.ts';
import { pageOfList } from './list-page.ts';
import type { LocalFileClient } from './local-file-client.ts';

const tags = ['folders'];
const folderRef = (id: string) => ({ itemType: 'folder' as const, itemId: id });
const userRef = (u: BoxUserRef | null) => (u ? { id: u.id, name: u.name, login: u.login } : null);
const listCursor = z.object({ m: z.string().max(700).nullable(), s: z.number().int().min(0).max(1000) });

/** Box pages read per request at most when filtering (a set showing little of a big folder). */
const MAX_PAGES = 10;

export function registerFolderRoutes(
  app: App,
  d: { access: ItemAccess; views: ItemViews; files: LocalFileClient; audit: () => AuditClient },
): void {
  app.get(
    '/api/v1/folders/:id',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Folder details',
        params: idParams,
        querystring: itemQuery,
        response: { 200: folderDetailsSchema },
      },
    },
    async (request) => {
      const user = userOf(request);
      const grant = await d.access.authorize(user, folderRef(request.params.id), {
        setId: request.query.setId,
        partialFolder: true,
      });
      const folder = await d.views.folder(grant);
      if (user.roles.includes('EXTERNAL_AUDITOR'))
        await d.audit().logAccess({
          orgId: user.orgId,
          userId: user.userId,
          itemId: folder.id,
          itemType: 'folder',
          setId: grant.logSetId,
          action: 'VIEW',
        });
      return {
        id: folder.id,
        type: 'folder' as const,
        name: folder.name,
        description: folder.description,
        path: pathWithin(grant, folder.path),
        owner: userRef(folder.owner),
        createdAt: folder.createdAt,
        createdBy: userRef(folder.createdBy),
        modifiedAt: folder.modifiedAt,
        modifiedBy: userRef(folder.modifiedBy),
        size: folder.size,
        status: folder.itemStatus,
        access: { via: grant.via, setIds: grant.setIds },
      };
    },
  );

  app.get(
    '/api/v1/folders/:id/items',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: "A folder's files and folders (paged; through a set, only what it allows)",
        params: idParams,
        querystring: pagedItemQuery,
        response: { 200: pageSchema(folderEntrySchema) },
      },
    },
    async (request) => {
      const user = userOf(request);
      const q = request.query;
      const grant = await d.access.authorize(user, folderRef(request.params.id), {
        setId: q.setId,
        partialFolder: true,
      });
      const filtered = grant.via === 'set';
      const { after } = decodeCursor(q.cursor, listCursor);
      let marker = after?.m ?? null;
      let skip = after?.s ?? 0;
      const items: z.infer<typeof folderEntrySchema>[] = [];
      const entry = (e: CatalogueEntry, allowed: boolean) => ({
        id: e.itemId,
        type: e.itemType,
        name: e.name,
        size: e.size,
        modifiedAt: e.modifiedAt?.toISOString() ?? null,
        sha1: e.sha1,
        versionId: e.versionId,
        ownerId: e.ownerId,
        allowed,
      });
      let next: { m: string | null; s: number } | null = null;
      for (let pages = 1; ; pages++) {
        const page = await d.files.listBelow(user.orgId, grant.item, {
          asUser: grant.asUser,
          // Unfiltered, one Box page is one of ours; filtered, read big pages and keep a position.
          limit: filtered ? 1000 : q.limit,
          ...(marker ? { marker } : {}),
        });
        let i = skip;
        for (; i < page.entries.length && items.length < q.limit; i++) {
          const e = page.entries[i]!;
          if (!filtered) items.push(entry(e, true));
          else if (shownBelow(grant.tops, e, e.ancestorIds))
            items.push(
              entry(
                e,
                e.itemType === 'file' || grant.tops.some((t) => isAllowed(t, e.itemId, e.ancestorIds)),
              ),
            );
        }
        if (i < page.entries.length) {
          next = { m: marker, s: i };
          break;
        }
        if (!page.nextMarker) break;
        marker = page.nextMarker;
        skip = 0;
        if (!filtered || items.length === q.limit || pages === MAX_PAGES) {
          next = { m: marker, s: 0 };
          break;
        }
      }
      return { items, nextCursor: next ? encodeCursor('after', next) : null, prevCursor: null };
    },
  );

  app.get(
    '/api/v1/folders/:id/collaborators',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: "The folder's owner and Box collaborations",
        params: idParams,
        querystring: pagedItemQuery,
        response: { 200: pageSchema(collaboratorSchema) },
      },
    },
    async (request) => {
      const grant = await d.access.authorize(userOf(request), folderRef(request.params.id), {
        setId: request.query.setId,
      });
      const [folder, collaborations] = await Promise.all([
        d.views.folder(grant),
        d.views.collaborations(grant),
      ]);
      return pageOfList(
        collaboratorList(folder.owner, collaborations),
        request.query.limit,
        request.query.cursor,
      );
    },
  );
}
