/**
 * Box metadata for the details routes, read with the grant's view of Box and kept a few seconds in
 * the metadata cache (per viewer). A read the authorisation step already made as the same viewer is
 * reused instead of asking Box again. Box failures become coded API errors.
 */
import type { BoxCollaboration, BoxFile, BoxFileVersion, BoxFolder } from '../../box/box-model.ts';
import { notFound } from '../../platform/errors.ts';
import { asAppErrors, isGone } from './box-calls.ts';
import type { ItemGrant } from './item-access.ts';
import type { CacheKind, MetadataCache } from './metadata-cache.ts';

export interface ItemViews {
  /** The file as the grant's viewer sees it, from the trash if it is trashed. */
  file(grant: ItemGrant): Promise<BoxFile>;
  folder(grant: ItemGrant): Promise<BoxFolder>;
  /** Past versions (Box's list, which leaves the current one out). */
  versions(grant: ItemGrant): Promise<BoxFileVersion[]>;
  collaborations(grant: ItemGrant): Promise<BoxCollaboration[]>;
}

export function createItemViews(cache: MetadataCache): ItemViews {
  const key = (g: ItemGrant, kind: CacheKind) => ({
    orgId: g.requester.orgId,
    itemId: g.item.info.itemId,
    kind,
    viewer: g.asUser,
  });
  const as = (g: ItemGrant) => (g.asUser ? { asUser: g.asUser } : undefined);
  const reused = <T>(g: ItemGrant, type: 'file' | 'folder') =>
    g.item.fresh && g.item.fresh.viewer === g.asUser && g.item.fresh.item.type === type
      ? (g.item.fresh.item as T)
      : undefined;

  return {
    file: (g) =>
      cache.fetch(key(g, 'file'), () =>
        asAppErrors(async () => {
          const fresh = reused<BoxFile>(g, 'file');
          if (fresh) return fresh;
          const id = g.item.info.itemId;
          try {
            return await g.box.file(id, as(g));
          } catch (err) {
            if (!isGone(err)) throw err;
          }
          try {
            return { ...(await g.box.trashedFile(id, as(g))), itemStatus: 'trashed' as const };
          } catch (err) {
            if (isGone(err)) throw notFound('FILE_NOT_FOUND');
            throw err;
          }
        }),
      ),
    folder: (g) =>
      cache.fetch(key(g, 'folder'), () =>
        asAppErrors(async () => reused<BoxFolder>(g, 'folder') ?? g.box.folder(g.item.info.itemId, as(g))),
      ),
    versions: (g) =>
      cache.fetch(key(g, 'versions'), () => asAppErrors(() => g.box.fileVersions(g.item.info.itemId, as(g)))),
    collaborations: (g) =>
      cache.fetch(key(g, 'collaborators'), () =>
        asAppErrors(() => g.box.collaborations(g.item.info.itemType, g.item.info.itemId, as(g))),
      ),
  };
}
