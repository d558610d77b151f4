import { usersWithAccess } from './access.ts';
import { boxTime } from './clock.ts';
import { fileFull, folderFull, folderMini } from './serialize-item.ts';
import { userMini } from './serialize-user.ts';
import type { BoxStore } from './store.ts';
import type { EnterpriseEventRec, ItemRec, Json, UserRec } from './types.ts';

/** Who did something, when and from where. */
export interface ActCtx {
  at: Date;
  actor: UserRec;
  /** The real caller when acting through As-User (Box's `action_by`). */
  actionBy?: UserRec | null;
  ip: string;
  sessionId?: string;
  /** When Box stored the event, if later than `at` (late-arriving events). */
  recordedAt?: Date;
}

/** Enterprise streams' slim source: no sha1, no version id. */
export function eventSource(store: BoxStore, item: ItemRec): Json {
  const owner = store.users.get(item.ownerId);
  return {
    item_type: item.kind,
    item_id: item.id,
    item_name: item.name,
    parent: folderMini(item.parentId ? store.folders.get(item.parentId) : null),
    owned_by: owner ? userMini(owner) : { type: 'user', id: item.ownerId, name: '', login: '' },
  };
}

export function recordEnterprise(
  store: BoxStore,
  ctx: ActCtx,
  type: string,
  source: Json | null,
  additional?: Json,
): EnterpriseEventRec {
  const at = ctx.at.getTime();
  const json: Json = {
    type: 'event',
    event_id: store.rng.uuid(),
    event_type: type,
    created_at: boxTime(at),
    recorded_at: boxTime(ctx.recordedAt ?? at),
    created_by: userMini(ctx.actor),
    action_by: ctx.actionBy ? userMini(ctx.actionBy) : null,
    source,
    ip_address: ctx.ip,
    ...(ctx.sessionId ? { session_id: ctx.sessionId } : {}),
    ...(additional ? { additional_details: additional } : {}),
  };
  store.dirty = true;
  return store.events.addEnterprise(json, at, (ctx.recordedAt ?? ctx.at).getTime());
}

export interface ItemEventSpec {
  item: ItemRec;
  /** Enterprise-stream name (UPLOAD, EDIT, ...). */
  enterprise: string;
  /** User-stream name (ITEM_UPLOAD, ...); none if absent. */
  user?: string;
  /** `changes`: on all/changes/sync for everyone with access; `all`: only `all`; `owner`: only the owner's `all`. */
  userScope?: 'changes' | 'all' | 'owner';
  additional?: Json;
  /** Webhook v2 trigger (FILE.UPLOADED, ...). */
  trigger?: string;
  /** Users who lost access by this change but should still hear about it. */
  alsoNotify?: string[];
}

/** Records one activity on an item in every stream it belongs to and tells webhook listeners. */
export function recordItemEvent(store: BoxStore, ctx: ActCtx, spec: ItemEventSpec): EnterpriseEventRec {
  const rec = recordEnterprise(store, ctx, spec.enterprise, eventSource(store, spec.item), spec.additional);
  if (spec.user) {
    const scope = spec.userScope ?? 'changes';
    const recipients =
      scope === 'owner'
        ? [spec.item.ownerId]
        : [...new Set([...usersWithAccess(store, spec.item), ctx.actor.id, ...(spec.alsoNotify ?? [])])];
    const owner = store.users.get(spec.item.ownerId) ?? null;
    const source =
      spec.item.kind === 'file' ? fileFull(store, owner, spec.item) : folderFull(store, owner, spec.item);
    delete source.item_collection;
    const at = ctx.at.getTime();
    store.events.addUser(
      {
        type: 'event',
        event_id: store.rng.uuid(),
        event_type: spec.user,
        created_at: boxTime(at),
        recorded_at: boxTime(at),
        created_by: userMini(ctx.actor),
        ...(ctx.sessionId ? { session_id: ctx.sessionId } : {}),
        source,
      },
      at,
      recipients,
      scope === 'changes',
    );
    for (const wake of store.userEventListeners.splice(0)) wake();
  }
  store.emit({
    item: spec.item,
    actor: ctx.actor,
    at: ctx.at,
    ...(spec.trigger ? { trigger: spec.trigger } : {}),
    ...(spec.additional ? { additional: spec.additional } : {}),
  });
  return rec;
}
