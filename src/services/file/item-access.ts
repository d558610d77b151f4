/**
 * Object-level authorisation of the file API (product.md F4.4, F4.6, §5). Every request resolves the
 * item with its complete ancestry, then asks the audit service, which owns audit sets, whether this
 * user may see it:
 *
 *  - AUDIT_ADMIN: everything of their organisation, read from Box as the item's owner;
 *  - GENERAL_USER: what Box lets them see (read as themselves), plus what their audit sets allow
 *    (read as the owner, showing only allowed content below it);
 *  - EXTERNAL_AUDITOR: only what the audit sets assigned to them allow (optionally one set, `setId`).
 *
 * Anything else is reported as not found, so item ids outside one's reach reveal nothing.
 */
import type { EnterpriseBox } from '../../box/box-connector.ts';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import { notFound } from '../../platform/errors.ts';
import { isAllowed, isFolderVisible, type TopItem } from '../audit/allow-rules.ts';
import type { AuditClient, Requester } from '../audit/audit-client.ts';
import type { IdentityClient } from '../identity/identity-client.ts';
import { asAppErrors, isHidden } from './box-calls.ts';
import type { ItemRef } from './file-client.ts';
import { type ItemResolver, type ResolvedItem, ROOT_FOLDER, refKey } from './item-resolver.ts';
import type { OrgBoxes } from './org-boxes.ts';

export interface ItemGrant {
  item: ResolvedItem;
  requester: Requester;
  box: EnterpriseBox;
  /** The caller's own Box user id (Box users), else null. */
  boxUserId: string | null;
  /** Whose view of Box to read this item with (null: the service account). */
  asUser: string | null;
  /** organisation: an audit admin; box: Box shows it to the caller; set: through audit sets. */
  via: 'organisation' | 'box' | 'set';
  /** Sets through which the caller sees it (empty for organisation and box grants). */
  setIds: string[];
  /** Top items of the caller's sets (set grants): what below this item may be shown. */
  tops: TopItem[];
  /** The set named in access-log entries. */
  logSetId: string | null;
}

export interface ItemAccess {
  authorize(
    user: UserPrincipal,
    ref: ItemRef,
    o?: { setId?: string | undefined; partialFolder?: boolean },
  ): Promise<ItemGrant>;
  /** The caller's Box user id (null for external auditors and password-only users). */
  boxUserOf(user: UserPrincipal): Promise<string | null>;
}

export const isAuditAdmin = (r: Pick<Requester, 'roles'>) => r.roles.includes('AUDIT_ADMIN');

/** Whether a set grant shows an entry below an item (files: allowed; folders: allowed or partly). */
export function shownBelow(tops: TopItem[], ref: ItemRef, ancestorIds: readonly string[]): boolean {
  return tops.some((t) =>
    ref.itemType === 'file'
      ? isAllowed(t, ref.itemId, ancestorIds)
      : isFolderVisible(t, ref.itemId, ancestorIds),
  );
}

/**
 * A path as a set grant may show it: from the highest top item on it down, never the folders above
 * (they are outside what the sets share).
 */
export function pathWithin<T extends { id: string }>(grant: Pick<ItemGrant, 'via' | 'tops'>, path: T[]): T[] {
  if (grant.via !== 'set') return path;
  const tops = new Set(grant.tops.map((t) => t.itemId));
  const i = path.findIndex((p) => tops.has(p.id));
  return i < 0 ? [] : path.slice(i);
}

export function createItemAccess(d: {
  resolver: ItemResolver;
  boxes: OrgBoxes;
  identity: () => IdentityClient;
  audit: () => AuditClient;
  /** Box owners of top items, as catalogued (a handful: the owners of a user's set items). */
  topOwners: (orgId: string, tops: TopItem[]) => Promise<string[]>;
}): ItemAccess {
  async function boxUserOf(user: UserPrincipal): Promise<string | null> {
    const [summary] = await d.identity().users([user.userId]);
    return summary?.boxUserId ?? null;
  }

  async function setTops(requester: Requester, setId: string | undefined): Promise<TopItem[]> {
    const scope = await d.audit().searchScope(requester, setId ? { setId } : undefined);
    return scope.all ? [] : scope.tops;
  }

  /**
   * The item as Box shows it to this user, or null if Box does not (one call, unless resolving
   * already read it as them). The read is kept with the item so the details need no second call.
   */
  async function asShownTo(
    box: EnterpriseBox,
    item: ResolvedItem,
    boxUserId: string,
  ): Promise<ResolvedItem | null> {
    if (item.fresh?.viewer === boxUserId) return item;
    if (item.shownTo?.includes(boxUserId)) return { ...item, fresh: undefined };
    try {
      const o = { asUser: boxUserId };
      const read =
        item.info.itemType === 'file'
          ? await box.file(item.info.itemId, o)
          : await box.folder(item.info.itemId, o);
      return { ...item, fresh: { viewer: boxUserId, item: read } };
    } catch (err) {
      if (isHidden(err)) return null;
      throw err;
    }
  }

  return {
    boxUserOf,
    async authorize(user, ref, o = {}) {
      const missing = () => notFound(ref.itemType === 'file' ? 'FILE_NOT_FOUND' : 'FOLDER_NOT_FOUND');
      const requester: Requester = { userId: user.userId, orgId: user.orgId, roles: user.roles };
      const admin = isAuditAdmin(requester);
      const box = await d.boxes.require(user.orgId);
      const boxUserId = await boxUserOf(user);
      const base = { requester, box, boxUserId, setIds: [] as string[], tops: [] as TopItem[] };

      if (ref.itemType === 'folder' && ref.itemId === ROOT_FOLDER) {
        // Everyone's own root: only a Box user has one, and it is theirs alone.
        if (!boxUserId) throw missing();
        const item = (await d.resolver.resolve(user.orgId, box, [ref], { viewers: [boxUserId] })).get(
          refKey(ref),
        )!;
        return { ...base, item, asUser: boxUserId, via: 'box', logSetId: null };
      }

      let item = (
        await asAppErrors(() =>
          d.resolver.resolve(user.orgId, box, [ref], { viewers: boxUserId ? [boxUserId] : [] }),
        )
      ).get(refKey(ref));
      if (!item && !admin) {
        // Not catalogued yet (e.g. uploaded a moment ago below a set's folder) and not visible to the
        // caller in Box: look as the owners of the caller's set items, the only owners it may have.
        const owners = await d.topOwners(user.orgId, await setTops(requester, o.setId));
        if (owners.length > 0)
          item = (
            await asAppErrors(() => d.resolver.resolve(user.orgId, box, [ref], { viewers: owners }))
          ).get(refKey(ref));
      }
      if (!item) throw missing();
      const owner = item.info.ownerId;
      const decision = await d
        .audit()
        .access(
          requester,
          { itemId: ref.itemId, itemType: ref.itemType, ancestorIds: item.info.ancestorIds },
          o.setId ? { setId: o.setId } : undefined,
        );
      const logSetId = o.setId ?? decision.setIds[0] ?? null;
      if (decision.allowed && admin) return { ...base, item, asUser: owner, via: 'organisation', logSetId };
      // A Box user sees what Box shows them, as they see it — unless browsing one set on purpose. A
      // file allowed by a set needs no second look; a folder does (Box may show them more of it).
      const boxUser = boxUserId && !user.roles.includes('EXTERNAL_AUDITOR') && !o.setId ? boxUserId : null;
      if (boxUser && (item.shownTo?.includes(boxUser) || !decision.allowed || ref.itemType === 'folder')) {
        const shown = await asAppErrors(() => asShownTo(box, item, boxUser));
        if (shown)
          return { ...base, item: shown, asUser: boxUser, via: 'box', setIds: decision.setIds, logSetId };
      }
      if (decision.allowed) {
        const tops = await setTops(requester, o.setId);
        return { ...base, item, asUser: owner, via: 'set', setIds: decision.setIds, tops, logSetId };
      }
      if (o.partialFolder && ref.itemType === 'folder') {
        // A folder only partly selected in a set is browsable, showing only its allowed content.
        const tops = await setTops(requester, o.setId);
        if (tops.some((t) => isFolderVisible(t, ref.itemId, item.info.ancestorIds)))
          return { ...base, item, asUser: owner, via: 'set', tops, logSetId };
      }
      throw missing();
    },
  };
}
