/**
 * The file API (product.md §6 Files, F4.1, F4.3–F4.5): details, version history with the current
 * version, copies by sha1 and collaborators. Every route authorises the item first (item-access.ts);
 * details viewed by an external auditor are recorded in the access log (F5.8).
 */

import { z } from 'zod';
import type { BoxFile, BoxFileVersion, BoxUserRef } from '../../box/box-model.ts';
import { notFound } from '../../platform/errors.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { SIGNED_IN } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { decodeCursor, encodeCursor, pageSchema } from '../../platform/pagination.ts';
import { isAllowed, type TopItem } from '../audit/allow-rules.ts';
import type { AuditClient } from '../audit/audit-client.ts';
import {
  collaboratorSchema,
  copiesQuery,
  copySchema,
  fileDetailsSchema,
  idParams,
  itemQuery,
  pagedItemQuery,
  versionSchema,
} from './file-schemas.ts';
import type { FileDb } from './file-tables.ts';
import { type ItemAccess, type ItemGrant, isAuditAdmin, pathWithin } from './item-access.ts';
import type { ItemViews } from './item-views.ts';
import { pageOfList } from './list-page.ts';
import type { CopyCandidate, Observations } from './observations.ts';

export interface FileRouteDeps {
  access: ItemAccess;
  views: ItemViews;
  observations: Observations;
  db: FileDb;
  audit: () => AuditClient;
}

const tags = ['files'];
const fileRef = (id: string) => ({ itemType: 'file' as const, itemId: id });
const userRef = (u: BoxUserRef | null) => (u ? { id: u.id, name: u.name, login: u.login } : null);

type VersionDto = z.infer<typeof versionSchema>;

/** Box numbers versions 1, 2, ...; newest first, the current one on top. */
function versionList(file: BoxFile, past: BoxFileVersion[]): VersionDto[] {
  const current: VersionDto[] = file.versionId
    ? [
        {
          id: file.versionId,
          versionNumber: file.versionNumber,
          current: true,
          sha1: file.sha1,
          size: file.size,
          createdAt: file.contentModifiedAt ?? file.modifiedAt,
          modifiedAt: file.contentModifiedAt ?? file.modifiedAt,
          modifiedBy: userRef(file.modifiedBy),
          uploaderDisplayName: file.modifiedBy?.name ?? null,
          trashedAt: null,
        },
      ]
    : [];
  const older = past
    .filter((v) => v.id !== file.versionId)
    .map(
      (v): VersionDto => ({
        id: v.id,
        versionNumber: v.versionNumber,
        current: false,
        sha1: v.sha1,
        size: v.size,
        createdAt: v.createdAt,
        modifiedAt: v.modifiedAt,
        modifiedBy: userRef(v.modifiedBy),
        uploaderDisplayName: v.uploaderDisplayName,
        trashedAt: v.trashedAt,
      }),
    )
    .sort(
      (a, b) =>
        Number(b.versionNumber ?? 0) - Number(a.versionNumber ?? 0) ||
        (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
    );
  return [...current, ...older];
}

const copyKey = z.tuple([z.string().max(40), z.string().max(40)]);

/** Candidates examined per request at most (a page of copies the caller may not see stays bounded). */
const MAX_BATCHES = 10;

export function registerFileRoutes(app: App, d: FileRouteDeps): void {
  const authorizeFile = (request: Parameters<typeof userOf>[0], id: string, setId?: string) =>
    d.access.authorize(userOf(request), fileRef(id), { setId });

  app.get(
    '/api/v1/files/:id',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'File details: path, owner, times, size, sha1, current version, monitoring sets',
        params: idParams,
        querystring: itemQuery,
        response: { 200: fileDetailsSchema },
      },
    },
    async (request) => {
      const user = userOf(request);
      const grant = await authorizeFile(request, request.params.id, request.query.setId);
      const file = await d.views.file(grant);
      const monitoring = await d.audit().setsMonitoring(user.orgId, file.id, grant.item.info.ancestorIds);
      const sets = isAuditAdmin(user) ? monitoring : monitoring.filter((s) => grant.setIds.includes(s.setId));
      if (user.roles.includes('EXTERNAL_AUDITOR'))
        await d.audit().logAccess({
          orgId: user.orgId,
          userId: user.userId,
          itemId: file.id,
          itemType: 'file',
          setId: grant.logSetId,
          action: 'VIEW',
        });
      return {
        id: file.id,
        type: 'file' as const,
        name: file.name,
        description: file.description,
        path: pathWithin(grant, file.path),
        owner: userRef(file.owner),
        createdAt: file.createdAt,
        createdBy: userRef(file.createdBy),
        modifiedAt: file.modifiedAt,
        modifiedBy: userRef(file.modifiedBy),
        contentModifiedAt: file.contentModifiedAt,
        size: file.size,
        sha1: file.sha1,
        status: file.itemStatus,
        trashedAt: file.trashedAt,
        currentVersion: file.versionId
          ? { id: file.versionId, versionNumber: file.versionNumber, sha1: file.sha1, size: file.size }
          : null,
        monitoring: {
          monitored: sets.length > 0,
          sets: sets.map((s) => ({ id: s.setId, name: s.name })),
        },
        access: { via: grant.via, setIds: grant.setIds },
      };
    },
  );

  app.get(
    '/api/v1/files/:id/versions',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Version history, newest first, including the current version',
        params: idParams,
        querystring: pagedItemQuery,
        response: { 200: pageSchema(versionSchema) },
      },
    },
    async (request) => {
      const grant = await authorizeFile(request, request.params.id, request.query.setId);
      const file = await d.views.file(grant);
      // Box keeps no readable history for a trashed file; its current version is still known.
      const past = file.itemStatus === 'active' ? await d.views.versions(grant) : [];
      return pageOfList(versionList(file, past), request.query.limit, request.query.cursor);
    },
  );

  app.get(
    '/api/v1/files/:id/copies',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: 'Other files (and versions) with the same sha1, as far as the caller may see them',
        params: idParams,
        querystring: copiesQuery,
        response: { 200: pageSchema(copySchema) },
      },
    },
    async (request) => {
      const user = userOf(request);
      const q = request.query;
      const grant = await authorizeFile(request, request.params.id, q.setId);
      const file = await d.views.file(grant);
      let sha1 = file.sha1;
      if (q.versionId && q.versionId !== file.versionId) {
        const version = (await d.views.versions(grant)).find((v) => v.id === q.versionId);
        if (!version) throw notFound('FILE_NOT_FOUND');
        sha1 = version.sha1;
      }
      const { visible, tops } = await copyVisibility(d, grant, q.setId);
      const { after } = decodeCursor(q.cursor, copyKey);
      const items: z.infer<typeof copySchema>[] = [];
      let position = after as [string, string] | undefined;
      let more = false;
      for (let batch = 0; batch < MAX_BATCHES && items.length < q.limit; batch++) {
        const rows = await d.observations.copies(d.db, user.orgId, sha1, file.id, {
          ...(position ? { after: position } : {}),
          limit: q.limit * 2,
        });
        more = rows.length === q.limit * 2;
        for (const r of rows) {
          if (items.length === q.limit) {
            more = true;
            break;
          }
          position = [r.file_id, r.version_id];
          const seen = visible(r);
          if (seen) items.push(copyDto(r, seen, tops));
        }
        if (!more) break;
      }
      return {
        items,
        nextCursor: more && position ? encodeCursor('after', position) : null,
        prevCursor: null,
      };
    },
  );

  app.get(
    '/api/v1/files/:id/collaborators',
    {
      config: { auth: SIGNED_IN },
      schema: {
        tags,
        summary: "The file's owner and Box collaborations",
        params: idParams,
        querystring: pagedItemQuery,
        response: { 200: pageSchema(collaboratorSchema) },
      },
    },
    async (request) => {
      const grant = await authorizeFile(request, request.params.id, request.query.setId);
      const [file, collaborations] = await Promise.all([d.views.file(grant), d.views.collaborations(grant)]);
      return pageOfList(
        collaboratorList(file.owner, collaborations),
        request.query.limit,
        request.query.cursor,
      );
    },
  );
}

export function collaboratorList(
  owner: BoxUserRef | null,
  collaborations: Awaited<ReturnType<ItemViews['collaborations']>>,
): z.infer<typeof collaboratorSchema>[] {
  return [
    ...(owner
      ? [
          {
            id: null,
            role: 'owner',
            status: 'accepted',
            accessibleBy: { type: 'user' as const, id: owner.id, name: owner.name, login: owner.login },
            inviteEmail: null,
            createdAt: null,
            expiresAt: null,
          },
        ]
      : []),
    ...collaborations.map((c) => ({
      id: c.id,
      role: c.role,
      status: c.status,
      accessibleBy: c.accessibleBy,
      inviteEmail: c.inviteEmail,
      createdAt: c.createdAt,
      expiresAt: c.expiresAt,
    })),
  ];
}

/**
 * Which copies the caller may see, without asking Box about each one (that would be one Box call per
 * copy): audit admins all; others the copies their audit sets allow (by the catalogued ancestry), and
 * a Box user also their own files. Copies seen through a set show their path from the set's item down.
 */
async function copyVisibility(
  d: FileRouteDeps,
  grant: ItemGrant,
  setId: string | undefined,
): Promise<{ visible: (r: CopyCandidate) => 'full' | 'set' | null; tops: TopItem[] }> {
  const everything = { visible: () => 'full' as const, tops: [] };
  if (grant.via === 'organisation') return everything;
  let tops: TopItem[] = grant.tops;
  if (grant.via !== 'set') {
    const scope = await d.audit().searchScope(grant.requester, setId ? { setId } : undefined);
    if (scope.all) return everything;
    tops = scope.tops;
  }
  const own = grant.requester.roles.includes('EXTERNAL_AUDITOR') ? null : grant.boxUserId;
  return {
    tops,
    visible: (r) => {
      if (own !== null && r.owner_id === own) return 'full';
      const ancestors = r.ancestor_ids;
      return ancestors !== null && tops.some((t) => isAllowed(t, r.file_id, ancestors)) ? 'set' : null;
    },
  };
}

function copyDto(r: CopyCandidate, seen: 'full' | 'set', tops: TopItem[]): z.infer<typeof copySchema> {
  const path = (r.ancestor_ids ?? []).map((id, i) => ({ id, name: r.path_names?.[i] ?? '' }));
  return {
    fileId: r.file_id,
    versionId: r.version_id,
    name: r.name,
    path: seen === 'full' ? path : pathWithin({ via: 'set', tops }, path),
    status: (r.status as 'active' | 'trashed' | 'deleted' | null) ?? 'unknown',
    currentVersion: r.current_version_id === r.version_id,
    lastSeenAt: r.seen_at.toISOString(),
  };
}
