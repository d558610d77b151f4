/**
 * The catalogue (`file.items`): Box items with their ancestry, owner and current version, as last read
 * from Box by enrichment, listings, lookups and observations. Ancestry read as the owner sees it is
 * complete and wins over a collaborator's view (which starts at the highest folder they can see);
 * when a folder's complete ancestry or name changes (moved, renamed), its known descendants are
 * rewritten through the GIN index so "what is below F" stays right without re-reading them from Box.
 */
import { sql } from 'kysely';
import type { ItemType } from '../../platform/messaging/catalogue.ts';
import type { ItemInfo, ItemRef } from './file-client.ts';
import type { CatalogueSource, FileDb, FileTrx, ItemRow, ItemStatus } from './file-tables.ts';

export interface CatalogueEntry {
  itemType: ItemType;
  itemId: string;
  name: string;
  parentId: string | null;
  ancestorIds: string[];
  pathNames: string[];
  ancestryVerified: boolean;
  ownerId: string | null;
  sha1: string | null;
  size: number | null;
  modifiedAt: Date | null;
  status: ItemStatus;
  versionId: string | null;
}

export interface CatalogueRepository {
  /** Records what Box showed; returns nothing. Runs in the caller's transaction. */
  record(
    trx: FileTrx,
    orgId: string,
    entries: CatalogueEntry[],
    source: CatalogueSource,
    at: Date,
  ): Promise<void>;
  /** Marks a known item trashed or deleted without other data (Box no longer shows it). */
  markStatus(db: FileDb | FileTrx, orgId: string, ref: ItemRef, status: ItemStatus, at: Date): Promise<void>;
  get(db: FileDb | FileTrx, orgId: string, refs: ItemRef[]): Promise<ItemRow[]>;
  descendantIds(db: FileDb, orgId: string, folderId: string): Promise<string[]>;
  /** The items themselves and every known item below any of them (folder ids), with ancestry. */
  itemsUnder(
    db: FileDb,
    orgId: string,
    topIds: string[],
  ): Promise<Pick<ItemRow, 'item_id' | 'item_type' | 'ancestor_ids'>[]>;
}

export function toItemInfo(r: ItemRow): ItemInfo {
  return {
    itemId: r.item_id,
    itemType: r.item_type,
    name: r.name,
    parentId: r.parent_id,
    ancestorIds: r.ancestor_ids,
    ownerId: r.owner_id,
    sha1: r.sha1,
    size: r.size,
    modifiedAt: r.modified_at?.toISOString() ?? null,
    status: r.status,
  };
}

/** Rows per statement: 17 parameters each stays far below PostgreSQL's 65,535. */
const CHUNK = 1000;

/**
 * Entries that only know their parent (read from the trash) take the parent folder's complete
 * ancestry when the catalogue has it.
 */
async function completeFromParents(
  trx: FileTrx,
  orgId: string,
  entries: CatalogueEntry[],
): Promise<CatalogueEntry[]> {
  const partial = entries.filter((e) => !e.ancestryVerified && e.parentId && e.ancestorIds.length === 1);
  if (partial.length === 0) return entries;
  const parents = await trx
    .selectFrom('file.items')
    .select(['item_id', 'name', 'ancestor_ids', 'path_names'])
    .where('org_id', '=', orgId)
    .where('item_type', '=', 'folder')
    .where('ancestry_verified', '=', true)
    .where(
      'item_id',
      'in',
      partial.map((e) => e.parentId!),
    )
    .execute();
  const byId = new Map(parents.map((p) => [p.item_id, p]));
  return entries.map((e) => {
    const p =
      e.parentId && e.ancestorIds.length === 1 && !e.ancestryVerified ? byId.get(e.parentId) : undefined;
    return p
      ? {
          ...e,
          ancestorIds: [...p.ancestor_ids, p.item_id],
          pathNames: [...p.path_names, p.name],
          ancestryVerified: true,
        }
      : e;
  });
}

export function createCatalogueRepository(): CatalogueRepository {
  async function propagate(trx: FileTrx, orgId: string, folder: CatalogueEntry): Promise<void> {
    // Descendants keep their own part of the path below the folder; everything above is replaced.
    const pos = sql<number>`array_position(ancestor_ids, ${folder.itemId}::text)`;
    await sql`
      update file.items set
        ancestor_ids = ${folder.ancestorIds}::text[] || ${folder.itemId}::text || ancestor_ids[${pos} + 1:],
        path_names = ${folder.pathNames}::text[] || ${folder.name}::text || path_names[${pos} + 1:],
        ancestry_verified = true
      where org_id = ${orgId} and ancestor_ids @> array[${folder.itemId}::text]
        and (ancestor_ids[1:${pos} - 1] is distinct from ${folder.ancestorIds}::text[]
             or path_names[${pos}] is distinct from ${folder.name}::text)`.execute(trx);
  }

  return {
    async record(trx, orgId, input, source, at) {
      if (input.length === 0) return;
      const entries = await completeFromParents(trx, orgId, input);
      // A folder whose complete ancestry or name changed moves its known subtree with it.
      const folders = entries.filter((e) => e.itemType === 'folder' && e.ancestryVerified);
      const before =
        folders.length > 0
          ? await trx
              .selectFrom('file.items')
              .select(['item_id', 'name', 'ancestor_ids', 'ancestry_verified'])
              .where('org_id', '=', orgId)
              .where('item_type', '=', 'folder')
              .where(
                'item_id',
                'in',
                folders.map((f) => f.itemId),
              )
              .execute()
          : [];
      for (let i = 0; i < entries.length; i += CHUNK) {
        const values = entries.slice(i, i + CHUNK).map((e) => ({
          org_id: orgId,
          item_type: e.itemType,
          item_id: e.itemId,
          name: e.name,
          parent_id: e.parentId,
          ancestor_ids: e.ancestorIds,
          path_names: e.pathNames,
          ancestry_verified: e.ancestryVerified,
          ancestry_at: at,
          owner_id: e.ownerId,
          sha1: e.sha1,
          size: e.size,
          modified_at: e.modifiedAt,
          status: e.status,
          version_id: e.versionId,
          fetched_at: at,
          source,
        }));
        // A collaborator's partial ancestry never replaces the owner's complete one.
        const keep = sql<boolean>`(file.items.ancestry_verified and not excluded.ancestry_verified)`;
        await trx
          .insertInto('file.items')
          .values(values)
          .onConflict((oc) =>
            oc.columns(['org_id', 'item_type', 'item_id']).doUpdateSet({
              name: sql`excluded.name`,
              owner_id: sql`coalesce(excluded.owner_id, file.items.owner_id)`,
              sha1: sql`coalesce(excluded.sha1, file.items.sha1)`,
              size: sql`coalesce(excluded.size, file.items.size)`,
              modified_at: sql`coalesce(excluded.modified_at, file.items.modified_at)`,
              status: sql`excluded.status`,
              version_id: sql`coalesce(excluded.version_id, file.items.version_id)`,
              fetched_at: sql`excluded.fetched_at`,
              source: sql`excluded.source`,
              parent_id: sql`case when ${keep} then file.items.parent_id else excluded.parent_id end`,
              ancestor_ids: sql`case when ${keep} then file.items.ancestor_ids else excluded.ancestor_ids end`,
              path_names: sql`case when ${keep} then file.items.path_names else excluded.path_names end`,
              ancestry_at: sql`case when ${keep} then file.items.ancestry_at else excluded.ancestry_at end`,
              ancestry_verified: sql`file.items.ancestry_verified or excluded.ancestry_verified`,
            }),
          )
          .execute();
      }
      const previous = new Map(before.map((b) => [b.item_id, b]));
      const changed = folders.filter((f) => {
        const p = previous.get(f.itemId);
        return !p || p.name !== f.name || p.ancestor_ids.join('/') !== f.ancestorIds.join('/');
      });
      if (changed.length === 0) return;
      // Only folders with known descendants need a rewrite (one index probe for all of them).
      const parents = await sql<{ id: string }>`
        select distinct a.id from file.items i, unnest(i.ancestor_ids) as a(id)
        where i.org_id = ${orgId} and i.ancestor_ids && ${changed.map((f) => f.itemId)}::text[]
          and a.id = any(${changed.map((f) => f.itemId)}::text[])`.execute(trx);
      const withDescendants = new Set(parents.rows.map((r) => r.id));
      const moved = changed
        .filter((f) => withDescendants.has(f.itemId))
        // Higher folders first: a deeper folder's own row is already right, its subtree follows.
        .sort((a, b) => a.ancestorIds.length - b.ancestorIds.length);
      for (const f of moved) await propagate(trx, orgId, f);
    },

    async markStatus(db, orgId, ref, status, at) {
      await db
        .updateTable('file.items')
        .set({ status, fetched_at: at })
        .where('org_id', '=', orgId)
        .where('item_type', '=', ref.itemType)
        .where('item_id', '=', ref.itemId)
        .execute();
    },

    async get(db, orgId, refs) {
      if (refs.length === 0) return [];
      const files = refs.filter((r) => r.itemType === 'file').map((r) => r.itemId);
      const folders = refs.filter((r) => r.itemType === 'folder').map((r) => r.itemId);
      return db
        .selectFrom('file.items')
        .selectAll()
        .where('org_id', '=', orgId)
        .where((eb) =>
          eb.or([
            ...(files.length > 0 ? [eb.and([eb('item_type', '=', 'file'), eb('item_id', 'in', files)])] : []),
            ...(folders.length > 0
              ? [eb.and([eb('item_type', '=', 'folder'), eb('item_id', 'in', folders)])]
              : []),
          ]),
        )
        .execute();
    },

    async descendantIds(db, orgId, folderId) {
      const rows = await db
        .selectFrom('file.items')
        .select('item_id')
        .where('org_id', '=', orgId)
        .where(sql<boolean>`ancestor_ids @> array[${folderId}::text]`)
        .orderBy('item_id')
        .execute();
      return rows.map((r) => r.item_id);
    },

    async itemsUnder(db, orgId, topIds) {
      if (topIds.length === 0) return [];
      const [selves, below] = await Promise.all([
        db
          .selectFrom('file.items')
          .select(['item_id', 'item_type', 'ancestor_ids'])
          .where('org_id', '=', orgId)
          .where('item_id', 'in', topIds)
          .execute(),
        db
          .selectFrom('file.items')
          .select(['item_id', 'item_type', 'ancestor_ids'])
          .where('org_id', '=', orgId)
          .where(sql<boolean>`ancestor_ids && ${topIds}::text[]`)
          .execute(),
      ]);
      return [...selves, ...below];
    },
  };
}
