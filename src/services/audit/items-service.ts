/**
 * Items of audit sets (product.md F5.3, F5.4, F5.7). Adding answers at once with PENDING_BASELINE and
 * announces `audit.item_added`; the verification service records the baseline and answers with
 * `verification.baseline_recorded`, which makes the item MONITORED. A folder's allow-list is stored
 * as rules (allow-rules.ts), so files created later under an included folder are covered and files
 * under an excluded branch never are. Browsing shows only allowed descendants.
 */
import { badRequest, conflict, notFound } from '../../platform/errors.ts';
import type { AllowRule, ItemType } from '../../platform/messaging/catalogue.ts';
import type { ItemInfo } from '../file/file-client.ts';
import { contradictoryRules, isAllowed, isFolderVisible, type TopItem } from './allow-rules.ts';
import type { Requester } from './audit-client.ts';
import type { AuditDeps } from './audit-deps.ts';
import type { AuditTrx, ItemRow } from './audit-tables.ts';
import type { ItemDto } from './item-dto.ts';
import { authorizeSet, permits, roleInSet } from './set-access.ts';
import type { SetsService } from './sets-service.ts';

export const MAX_RULES = 2000;

export const toTop = (i: Pick<ItemRow, 'item_id' | 'item_type' | 'rules' | 'rule_paths'>): TopItem => ({
  itemId: i.item_id,
  itemType: i.item_type,
  rules: i.rules,
  rulePaths: i.rule_paths,
});

export function createItemsService(d: AuditDeps, sets: SetsService) {
  const db = d.database.db;

  async function boxIdOf(user: Requester): Promise<string | null> {
    return (await d.clients.identity().users([user.userId]))[0]?.boxUserId ?? null;
  }

  /** Checks the item exists in Box as the user sees it, and that every rule lies inside a folder. */
  async function resolve(user: Requester, itemId: string, type: ItemType, rules: AllowRule[]) {
    const asUser = await boxIdOf(user);
    const [info] = await d.clients.file().items(user.orgId, [{ itemId, itemType: type }], { asUser });
    if (!info || info.status === 'deleted') throw notFound('BOX_ITEM_NOT_FOUND');
    if (type === 'file' && rules.length > 0)
      throw badRequest('ITEM_RULES_INVALID', { details: { reason: 'files take no rules' } });
    if (rules.length > MAX_RULES || contradictoryRules(rules).length > 0)
      throw badRequest('ITEM_RULES_INVALID');
    const rulePaths: Record<string, string[]> = {};
    const targets = rules.filter((r) => r.itemId !== itemId);
    if (targets.length > 0) {
      const infos = await d.clients.file().items(
        user.orgId,
        targets.map((r) => ({ itemId: r.itemId, itemType: r.itemType })),
        { asUser: info.ownerId ?? asUser },
      );
      const byId = new Map(infos.map((i) => [i.itemId, i]));
      for (const r of targets) {
        const t = byId.get(r.itemId);
        if (!t?.ancestorIds.includes(itemId)) {
          throw badRequest('ITEM_RULES_INVALID', {
            details: { reason: 'a rule points outside the folder', itemId: r.itemId },
          });
        }
        rulePaths[r.itemId] = t.ancestorIds;
      }
    }
    rulePaths[itemId] = info.ancestorIds;
    return { info, rulePaths };
  }

  async function insertOrReplace(
    trx: AuditTrx,
    user: Requester,
    setId: string,
    info: ItemInfo,
    rules: AllowRule[],
    rulePaths: Record<string, string[]>,
    replace: boolean,
  ) {
    const now = d.clock.now();
    const row: ItemRow = {
      set_id: setId,
      item_id: info.itemId,
      item_type: info.itemType,
      name: info.name,
      owner_box_user_id: info.ownerId,
      ancestor_ids: info.ancestorIds,
      rules,
      rule_paths: rulePaths,
      status: 'PENDING_BASELINE',
      files_in_baseline: null,
      added_by: user.userId,
      added_at: now,
      monitored_at: null,
    };
    const values = {
      ...row,
      rules: JSON.stringify(rules),
      rule_paths: JSON.stringify(rulePaths),
    } as unknown as ItemRow;
    if (replace) {
      await trx
        .updateTable('audit.items')
        .set({
          rules: values.rules,
          rule_paths: values.rule_paths,
          status: 'PENDING_BASELINE',
          monitored_at: null,
          files_in_baseline: null,
        })
        .where('set_id', '=', setId)
        .where('item_id', '=', info.itemId)
        .execute();
    } else {
      const inserted = await trx
        .insertInto('audit.items')
        .values(values)
        .onConflict((oc) => oc.doNothing())
        .returning('item_id')
        .executeTakeFirst();
      if (!inserted) throw conflict('ITEM_ALREADY_IN_SET');
    }
    await d.publish(trx, {
      topic: 'audit.item_added',
      key: setId,
      payload: {
        v: 1,
        orgId: user.orgId,
        actorId: user.userId,
        setId,
        itemId: info.itemId,
        itemType: info.itemType,
        rules,
        ownerBoxUserId: info.ownerId,
      },
    });
    return row;
  }

  async function statuses(orgId: string, fileIds: string[]) {
    if (fileIds.length === 0) return new Map<string, ItemDto['verification']>();
    const rows = await db
      .selectFrom('audit.file_status')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('file_id', 'in', fileIds)
      .execute();
    return new Map(
      rows.map((r) => [
        r.file_id,
        { result: r.last_result, verifiedAt: r.verified_at.toISOString(), verificationId: r.verification_id },
      ]),
    );
  }

  function toDto(row: ItemRow, live: ItemInfo | undefined, verification: ItemDto['verification']): ItemDto {
    return {
      itemId: row.item_id,
      type: row.item_type,
      name: live?.name ?? row.name,
      status: row.status,
      rules: row.rules,
      addedAt: row.added_at.toISOString(),
      addedBy: row.added_by,
      monitoredAt: row.monitored_at?.toISOString() ?? null,
      filesInBaseline: row.files_in_baseline,
      live: live
        ? {
            name: live.name,
            status: live.status,
            modifiedAt: live.modifiedAt,
            size: live.size,
            sha1: live.sha1,
            path: [...live.ancestorIds],
          }
        : null,
      verification,
    };
  }

  const service = {
    async add(
      user: Requester,
      setId: string,
      input: { itemId: string; type: ItemType; rules?: AllowRule[] },
    ): Promise<ItemDto> {
      await authorizeSet(db, user, setId, 'editItems');
      const rules = input.rules ?? [];
      const { info, rulePaths } = await resolve(user, input.itemId, input.type, rules);
      const row = await d.database.transaction(async (trx) => {
        await authorizeSet(trx, user, setId, 'editItems', { forUpdate: true });
        return insertOrReplace(trx, user, setId, info, rules, rulePaths, false);
      });
      return toDto(row, info, null);
    },

    async updateRules(user: Requester, setId: string, itemId: string, rules: AllowRule[]): Promise<ItemDto> {
      const existing = await service.row(user, setId, itemId, 'editItems');
      const { info, rulePaths } = await resolve(user, itemId, existing.item_type, rules);
      const row = await d.database.transaction(async (trx) => {
        await authorizeSet(trx, user, setId, 'editItems', { forUpdate: true });
        return insertOrReplace(trx, user, setId, info, rules, rulePaths, true);
      });
      return toDto(
        { ...existing, ...row, added_at: existing.added_at, added_by: existing.added_by },
        info,
        null,
      );
    },

    async remove(user: Requester, setId: string, itemId: string): Promise<void> {
      await d.database.transaction(async (trx) => {
        await authorizeSet(trx, user, setId, 'editItems', { forUpdate: true });
        const res = await trx
          .deleteFrom('audit.items')
          .where('set_id', '=', setId)
          .where('item_id', '=', itemId)
          .executeTakeFirst();
        if (Number(res.numDeletedRows) === 0) throw notFound('ITEM_NOT_IN_SET');
        await d.publish(trx, {
          topic: 'audit.item_removed',
          key: setId,
          payload: { v: 1, orgId: user.orgId, actorId: user.userId, setId, itemId },
        });
      });
    },

    async row(
      user: Requester,
      setId: string,
      itemId: string,
      permission: 'view' | 'editItems' = 'view',
    ): Promise<ItemRow> {
      await authorizeSet(db, user, setId, permission);
      const row = await db
        .selectFrom('audit.items')
        .selectAll()
        .where('set_id', '=', setId)
        .where('item_id', '=', itemId)
        .executeTakeFirst();
      if (!row) throw notFound('ITEM_NOT_IN_SET');
      return row;
    },

    async get(user: Requester, setId: string, itemId: string): Promise<ItemDto> {
      const row = await service.row(user, setId, itemId);
      const [live] = await d.clients
        .file()
        .items(user.orgId, [{ itemId, itemType: row.item_type }], { asUser: row.owner_box_user_id });
      return toDto(
        row,
        live,
        row.item_type === 'file' ? ((await statuses(user.orgId, [itemId])).get(itemId) ?? null) : null,
      );
    },

    /** The set's top-level items with live Box metadata and verification status (F5.4). */
    async list(user: Requester, setId: string): Promise<ItemDto[]> {
      await authorizeSet(db, user, setId, 'view');
      await sets.markOpened(user, setId);
      const rows = await db
        .selectFrom('audit.items')
        .selectAll()
        .where('set_id', '=', setId)
        .orderBy('added_at')
        .orderBy('item_id')
        .limit(5000)
        .execute();
      const live = new Map<string, ItemInfo>();
      // One catalogue/Box lookup per owner, not per item.
      const byOwner = new Map<string | null, ItemRow[]>();
      for (const r of rows)
        byOwner.set(r.owner_box_user_id, [...(byOwner.get(r.owner_box_user_id) ?? []), r]);
      for (const [owner, group] of byOwner) {
        const infos = await d.clients
          .file()
          .items(
            user.orgId,
            group.map((r) => ({ itemId: r.item_id, itemType: r.item_type })),
            { asUser: owner },
          )
          .catch(() => [] as ItemInfo[]);
        for (const i of infos) live.set(i.itemId, i);
      }
      const verification = await statuses(
        user.orgId,
        rows.filter((r) => r.item_type === 'file').map((r) => r.item_id),
      );
      return rows.map((r) => toDto(r, live.get(r.item_id), verification.get(r.item_id) ?? null));
    },

    /** Allowed children of a folder inside a set item (F5.4): only what the rules allow. */
    async children(
      user: Requester,
      setId: string,
      itemId: string,
      folderId: string,
      page: { marker?: string; limit: number },
    ) {
      const row = await service.row(user, setId, itemId);
      if (row.item_type !== 'folder')
        throw badRequest('ITEM_RULES_INVALID', { details: { reason: 'files have no children' } });
      const top = toTop(row);
      let folderAncestors = row.ancestor_ids;
      if (folderId !== itemId) {
        const [info] = await d.clients
          .file()
          .items(user.orgId, [{ itemId: folderId, itemType: 'folder' }], { asUser: row.owner_box_user_id });
        if (!info || !isFolderVisible(top, folderId, info.ancestorIds)) throw notFound('FOLDER_NOT_FOUND');
        folderAncestors = info.ancestorIds;
      }
      const listing = await d.clients.file().children(user.orgId, folderId, {
        asUser: row.owner_box_user_id,
        limit: page.limit,
        ...(page.marker ? { marker: page.marker } : {}),
      });
      const childAncestors = [...folderAncestors, folderId];
      const visible = listing.items.filter((c) =>
        c.itemType === 'file'
          ? isAllowed(top, c.itemId, childAncestors)
          : isFolderVisible(top, c.itemId, childAncestors),
      );
      const verification = await statuses(
        user.orgId,
        visible.filter((c) => c.itemType === 'file').map((c) => c.itemId),
      );
      return {
        items: visible.map((c) => ({
          id: c.itemId,
          type: c.itemType,
          name: c.name,
          size: c.size,
          sha1: c.sha1,
          modifiedAt: c.modifiedAt,
          status: c.status,
          fullyAllowed: isAllowed(top, c.itemId, childAncestors),
          verification: c.itemType === 'file' ? (verification.get(c.itemId) ?? null) : null,
        })),
        nextMarker: listing.nextMarker,
      };
    },

    /** F5.7: which of my sets contain this item, and may I change that. */
    async setsOfItem(user: Requester, itemId: string) {
      const mine = await sets.list(user, { limit: 500, filter: 'all' });
      const containing = new Set(
        (
          await db
            .selectFrom('audit.items')
            .select('set_id')
            .where('item_id', '=', itemId)
            .where(
              'set_id',
              'in',
              mine.length ? mine.map((s) => s.id) : ['00000000-0000-0000-0000-000000000000'],
            )
            .execute()
        ).map((r) => r.set_id),
      );
      const out = [];
      for (const s of mine.slice(0, 500)) {
        const role = await roleInSet(db, s.id, user.userId);
        out.push({
          setId: s.id,
          name: s.name,
          contains: containing.has(s.id),
          canEdit: permits(user, role, 'editItems'),
        });
      }
      return out;
    },

    /** F5.7: add the item to some sets and remove it from others, all at once. */
    async updateSetsOfItem(
      user: Requester,
      itemId: string,
      input: { type: ItemType; add: string[]; remove: string[] },
    ) {
      if (input.add.some((s) => input.remove.includes(s)))
        throw badRequest('VALIDATION_FAILED', { details: { reason: 'a set is both added and removed' } });
      // Authorise every set before asking Box about the item: a caller who may not edit these sets
      // learns nothing about the item (nor whether their organisation has Box at all).
      for (const setId of [...input.add, ...input.remove]) await authorizeSet(db, user, setId, 'editItems');
      const resolved = input.add.length > 0 ? await resolve(user, itemId, input.type, []) : undefined;
      await d.database.transaction(async (trx) => {
        for (const setId of input.add) {
          await authorizeSet(trx, user, setId, 'editItems', { forUpdate: true });
          const exists = await trx
            .selectFrom('audit.items')
            .select('item_id')
            .where('set_id', '=', setId)
            .where('item_id', '=', itemId)
            .executeTakeFirst();
          if (!exists)
            await insertOrReplace(trx, user, setId, resolved!.info, [], resolved!.rulePaths, false);
        }
        for (const setId of input.remove) {
          await authorizeSet(trx, user, setId, 'editItems', { forUpdate: true });
          const res = await trx
            .deleteFrom('audit.items')
            .where('set_id', '=', setId)
            .where('item_id', '=', itemId)
            .executeTakeFirst();
          if (Number(res.numDeletedRows) > 0) {
            await d.publish(trx, {
              topic: 'audit.item_removed',
              key: setId,
              payload: { v: 1, orgId: user.orgId, actorId: user.userId, setId, itemId },
            });
          }
        }
      });
      return service.setsOfItem(user, itemId);
    },
  };
  return service;
}

export type ItemsService = ReturnType<typeof createItemsService>;
