/**
 * The file service's implementation of FileClient (file-client.ts), used in-process by the other
 * services in all-in-one mode and behind the internal routes in distributed mode. Box failures come
 * out as coded AppErrors, as they would through the HTTP client. `observeFile` always reads Box now:
 * neither the catalogue nor the metadata cache is consulted, so verification never sees stale state.
 */
import type { BoxFile, BoxFileVersion } from '../../box/box-model.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { notFound } from '../../platform/errors.ts';
import { isAllowed } from '../audit/allow-rules.ts';
import { asAppErrors, isGone } from './box-calls.ts';
import { entryFromFile, entryFromListing, observedVersions, type ParentPath } from './box-entries.ts';
import type { CatalogueEntry, CatalogueRepository } from './catalogue-repository.ts';
import type { FileClient, FileObservation, ItemInfo } from './file-client.ts';
import type { FileTables } from './file-tables.ts';
import { type ItemResolver, type ResolvedItem, refKey } from './item-resolver.ts';
import type { MetadataCache } from './metadata-cache.ts';
import type { Observations } from './observations.ts';
import type { OrgBoxes } from './org-boxes.ts';

export interface LocalFileClientDeps {
  database: Database<FileTables>;
  catalogue: CatalogueRepository;
  observations: Observations;
  resolver: ItemResolver;
  boxes: OrgBoxes;
  cache: MetadataCache;
  clock: Clock;
}

export interface LocalFileClient extends FileClient {
  /**
   * One Box page of a folder already resolved (the listing routes reuse what authorisation
   * resolved), recorded in the catalogue.
   */
  listBelow(
    orgId: string,
    folder: ResolvedItem,
    o: { asUser: string | null; marker?: string; limit: number },
  ): Promise<{ entries: CatalogueEntry[]; nextMarker: string | null }>;
}

const parentPathOf = (folder: ResolvedItem): ParentPath => ({
  folderId: folder.info.itemId,
  name: folder.info.name,
  ancestorIds: folder.info.ancestorIds,
  pathNames: folder.pathNames,
  verified: folder.verified,
});

const infoOfEntry = (e: CatalogueEntry): ItemInfo => ({
  itemId: e.itemId,
  itemType: e.itemType,
  name: e.name,
  parentId: e.parentId,
  ancestorIds: e.ancestorIds,
  ownerId: e.ownerId,
  sha1: e.sha1,
  size: e.size,
  modifiedAt: e.modifiedAt?.toISOString() ?? null,
  status: e.status,
});

export function createLocalFileClient(d: LocalFileClientDeps): LocalFileClient {
  const db = d.database.db;

  async function resolveFolder(orgId: string, folderId: string, asUser: string | null) {
    const box = await d.boxes.require(orgId);
    const ref = { itemType: 'folder' as const, itemId: folderId };
    const folder = (await d.resolver.resolve(orgId, box, [ref], { viewers: [asUser] })).get(refKey(ref));
    if (!folder) throw notFound('FOLDER_NOT_FOUND');
    return { box, folder };
  }

  /** One Box page of a folder, placed below it in the catalogue. */
  async function listPage(
    orgId: string,
    folder: ResolvedItem,
    o: { asUser: string | null; marker?: string; limit: number },
  ): Promise<{ entries: CatalogueEntry[]; nextMarker: string | null }> {
    const box = await d.boxes.require(orgId);
    const page = await asAppErrors(() =>
      box.folderItems(
        folder.info.itemId,
        { limit: o.limit, ...(o.marker ? { marker: o.marker } : {}) },
        o.asUser ? { asUser: o.asUser } : undefined,
      ),
    );
    const parent = parentPathOf(folder);
    const entries = page.entries
      .map((e) => entryFromListing(e, parent, o.asUser))
      .filter((e): e is CatalogueEntry => e !== null);
    await d.database.transaction((trx) => d.catalogue.record(trx, orgId, entries, 'listing', d.clock.now()));
    return { entries, nextMarker: page.nextMarker };
  }

  return {
    listBelow: listPage,

    async items(orgId, refs, o) {
      const box = await d.boxes.require(orgId);
      const resolved = await asAppErrors(() =>
        d.resolver.resolve(orgId, box, refs, { viewers: o?.asUser ? [o.asUser] : [] }),
      );
      return refs.flatMap((r) => {
        const x = resolved.get(refKey(r));
        return x ? [x.info] : [];
      });
    },

    async children(orgId, folderId, o) {
      const { folder } = await asAppErrors(() => resolveFolder(orgId, folderId, o.asUser));
      const page = await listPage(orgId, folder, o);
      return { items: page.entries.map(infoOfEntry), nextMarker: page.nextMarker };
    },

    async allowedItemIds(orgId, tops) {
      if (tops.length === 0) return [];
      const rows = await d.catalogue.itemsUnder(
        db,
        orgId,
        tops.map((t) => t.itemId),
      );
      const out = new Set<string>();
      for (const r of rows) {
        if (tops.some((t) => isAllowed(t, r.item_id, r.ancestor_ids))) out.add(r.item_id);
      }
      return [...out];
    },

    descendants: (orgId, folderId) => d.catalogue.descendantIds(db, orgId, folderId),

    async observeFile(orgId, fileId, o) {
      const box = await d.boxes.require(orgId);
      const as = o.asUser ? { asUser: o.asUser } : undefined;
      let file: BoxFile | null = null;
      let versions: BoxFileVersion[] = [];
      let status: FileObservation['status'];
      await asAppErrors(async () => {
        try {
          file = await box.file(fileId, as);
          status = file.itemStatus;
          versions = status === 'active' ? await box.fileVersions(fileId, as) : [];
        } catch (err) {
          if (!isGone(err)) throw err;
          try {
            file = await box.trashedFile(fileId, as);
            status = 'trashed';
          } catch (again) {
            if (!isGone(again)) throw again;
            status = 'not_found';
          }
        }
      });
      const observedAt = d.clock.now();
      const found = file as BoxFile | null;
      const recorded = await d.database.transaction(async (trx) => {
        if (!found) {
          // Only the owner's "not found" means deleted; anyone else may just not see it.
          const [row] = await d.catalogue.get(trx, orgId, [{ itemType: 'file', itemId: fileId }]);
          if (row && o.asUser && row.owner_id === o.asUser)
            await d.catalogue.markStatus(
              trx,
              orgId,
              { itemType: 'file', itemId: fileId },
              'deleted',
              observedAt,
            );
          return [];
        }
        await d.catalogue.record(trx, orgId, [entryFromFile(found, o.asUser)], o.source, observedAt);
        return d.observations.record(
          trx,
          orgId,
          fileId,
          observedVersions(found, versions),
          o.source,
          observedAt,
        );
      });
      d.cache.invalidate(orgId, fileId);
      return {
        fileId,
        observedAt: observedAt.toISOString(),
        status: status!,
        file: found,
        versions,
        recorded,
      };
    },

    async filesUnder(orgId, folderId, o) {
      const { folder } = await asAppErrors(() => resolveFolder(orgId, folderId, o.asUser));
      const files: ItemInfo[] = [];
      const queue: ResolvedItem[] = [folder];
      let folders = 0;
      // Bounded by `max` files, and by folders visited: a tree of empty folders cannot run on forever.
      const maxFolders = Math.max(1000, o.max);
      while (queue.length > 0 && files.length < o.max && folders < maxFolders) {
        const current = queue.shift()!;
        folders++;
        let marker: string | undefined;
        do {
          const page = await listPage(orgId, current, {
            asUser: o.asUser,
            limit: 1000,
            ...(marker ? { marker } : {}),
          });
          for (const e of page.entries) {
            if (e.itemType === 'file' && files.length < o.max) files.push(infoOfEntry(e));
            if (e.itemType === 'folder')
              queue.push({ info: infoOfEntry(e), pathNames: e.pathNames, verified: e.ancestryVerified });
          }
          marker = page.nextMarker ?? undefined;
        } while (marker && files.length < o.max);
      }
      return files;
    },
  };
}
