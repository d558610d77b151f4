/**
 * Item basics and ancestry for authorisation and scoping: from the catalogue while fresh, else from
 * Box — and from Box as the item's owner, because only the owner's view of `path_collection` is
 * complete (a collaborator's starts at the highest folder they can see, which would put the item
 * outside audit sets it belongs to). A read made as someone else that reveals a different owner is
 * repeated once as that owner. What Box returned is recorded in the catalogue.
 */
import type { EnterpriseBox } from '../../box/box-connector.ts';
import type { BoxFile, BoxFolder } from '../../box/box-model.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { failureOf, isHidden, mapLimited } from './box-calls.ts';
import { entryFromFile, entryFromFolder } from './box-entries.ts';
import { type CatalogueRepository, toItemInfo } from './catalogue-repository.ts';
import type { ItemInfo, ItemRef } from './file-client.ts';
import type { CatalogueSource, FileTables, ItemRow } from './file-tables.ts';

/** An item as resolved, with what the catalogue knows beyond ItemInfo. */
export interface ResolvedItem {
  info: ItemInfo;
  pathNames: string[];
  /** The ancestry is the owner's (complete). */
  verified: boolean;
  /** The Box object read now, when this resolution read Box (reused by callers to save a call). */
  fresh?: { viewer: string | null; item: BoxFile | BoxFolder };
  /** Box users to whom Box showed the item during this resolution. */
  shownTo?: (string | null)[];
}

export interface ItemResolver {
  /**
   * Resolves refs (unknown or invisible ones are left out). `viewers` are Box users to try after the
   * owner the catalogue knows (e.g. the signed-in user); without any, the service account reads.
   */
  resolve(
    orgId: string,
    box: EnterpriseBox,
    refs: ItemRef[],
    o?: { viewers?: (string | null)[]; source?: CatalogueSource },
  ): Promise<Map<string, ResolvedItem>>;
}

export const refKey = (r: ItemRef) => `${r.itemType}:${r.itemId}`;

export const ROOT_FOLDER = '0';

/** A user's root ("All Files") is per user and never catalogued. */
export function rootFolder(owner: string | null): ResolvedItem {
  return {
    info: {
      itemId: ROOT_FOLDER,
      itemType: 'folder',
      name: 'All Files',
      parentId: null,
      ancestorIds: [],
      ownerId: owner,
      sha1: null,
      size: null,
      modifiedAt: null,
      status: 'active',
    },
    pathNames: [],
    verified: true,
  };
}

export function createItemResolver(d: {
  database: Database<FileTables>;
  catalogue: CatalogueRepository;
  clock: Clock;
  /** How long catalogued ancestry is trusted (product: 5 minutes). */
  freshMs: number;
}): ItemResolver {
  const db = d.database.db;

  const isFresh = (r: ItemRow, now: number) =>
    r.ancestry_verified &&
    r.status === 'active' &&
    now - r.ancestry_at.getTime() <= d.freshMs &&
    now - r.fetched_at.getTime() <= d.freshMs;

  const fromRow = (r: ItemRow): ResolvedItem => ({
    info: toItemInfo(r),
    pathNames: r.path_names,
    verified: r.ancestry_verified,
  });

  async function readBox(box: EnterpriseBox, ref: ItemRef, viewer: string | null) {
    const o = viewer ? { asUser: viewer } : undefined;
    return ref.itemType === 'file' ? box.file(ref.itemId, o) : box.folder(ref.itemId, o);
  }

  async function resolveOne(
    orgId: string,
    box: EnterpriseBox,
    ref: ItemRef,
    row: ItemRow | undefined,
    viewers: (string | null)[],
    source: CatalogueSource,
  ): Promise<ResolvedItem | null> {
    const tried = new Set<string | null>();
    const candidates = [...new Set([row?.owner_id ?? undefined, ...viewers].filter((v) => v !== undefined))];
    if (candidates.length === 0) candidates.push(null);
    let ownerFailure: string | null = null;
    for (const viewer of candidates) {
      if (tried.has(viewer)) continue;
      tried.add(viewer);
      let item: BoxFile | BoxFolder;
      try {
        item = await readBox(box, ref, viewer);
      } catch (err) {
        if (!isHidden(err)) throw err;
        if (viewer !== null && viewer === row?.owner_id) ownerFailure = failureOf(err);
        continue;
      }
      let reader = viewer;
      const shownTo = [viewer];
      const owner = item.owner?.id ?? null;
      if (owner && owner !== viewer && !tried.has(owner)) {
        tried.add(owner);
        try {
          item = await readBox(box, ref, owner);
          reader = owner;
          shownTo.push(owner);
        } catch (err) {
          // The owner's view is gone (e.g. moved to another owner since); keep the partial view.
          if (!isHidden(err)) throw err;
        }
      }
      const entry = item.type === 'file' ? entryFromFile(item, reader) : entryFromFolder(item, reader);
      await d.database.transaction((trx) => d.catalogue.record(trx, orgId, [entry], source, d.clock.now()));
      const [stored] = await d.catalogue.get(db, orgId, [ref]);
      const resolved = stored ? fromRow(stored) : null;
      return resolved ? { ...resolved, fresh: { viewer: reader, item }, shownTo } : null;
    }
    if (!row) return null;
    // The owner no longer sees it: trashed, or deleted for good (a move to another owner is caught by
    // the next event about it, which names the new owner).
    if (ownerFailure) {
      const status = ownerFailure === 'trashed' ? 'trashed' : 'deleted';
      await d.catalogue.markStatus(db, orgId, ref, status, d.clock.now());
      return { ...fromRow(row), info: { ...toItemInfo(row), status } };
    }
    return row.status === 'active' ? null : fromRow(row);
  }

  return {
    async resolve(orgId, box, refs, o = {}) {
      const out = new Map<string, ResolvedItem>();
      const wanted = refs.filter((r) => {
        if (r.itemType === 'folder' && r.itemId === ROOT_FOLDER) {
          out.set(refKey(r), rootFolder(o.viewers?.find((v) => v) ?? null));
          return false;
        }
        return true;
      });
      const rows = new Map(
        (await d.catalogue.get(db, orgId, wanted)).map((r) => [
          refKey({ itemType: r.item_type, itemId: r.item_id }),
          r,
        ]),
      );
      const now = d.clock.now().getTime();
      const stale: ItemRef[] = [];
      for (const r of wanted) {
        const row = rows.get(refKey(r));
        if (row && isFresh(row, now)) out.set(refKey(r), fromRow(row));
        else stale.push(r);
      }
      const results = await mapLimited(stale, 4, (r) =>
        resolveOne(orgId, box, r, rows.get(refKey(r)), o.viewers ?? [], o.source ?? 'lookup'),
      );
      stale.forEach((r, i) => {
        const res = results[i];
        if (res) out.set(refKey(r), res);
      });
      return out;
    },
  };
}
