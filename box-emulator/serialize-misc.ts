import { boxTime } from './clock.ts';
import { folderMini } from './serialize-item.ts';
import type { BoxStore } from './store.ts';
import type { CollabRec, Json, WebhookRec } from './types.ts';

function userCollab(store: BoxStore, id: string): Json {
  const u = store.users.get(id);
  return { type: 'user', id, name: u?.name ?? '', login: u?.login ?? '', is_active: u?.status === 'active' };
}

export function collaborationJson(store: BoxStore, c: CollabRec): Json {
  const item = c.itemType === 'file' ? store.files.get(c.itemId) : store.folders.get(c.itemId);
  const itemJson = item
    ? item.kind === 'folder'
      ? folderMini(item)
      : {
          type: 'file',
          id: item.id,
          sequence_id: String(item.sequenceId),
          etag: String(item.etag),
          name: item.name,
        }
    : null;
  return {
    type: 'collaboration',
    id: c.id,
    created_by: userCollab(store, c.createdBy),
    created_at: boxTime(c.createdMs),
    modified_at: boxTime(c.modifiedMs),
    expires_at: c.expiresMs === null ? null : boxTime(c.expiresMs),
    status: c.status,
    accessible_by: userCollab(store, c.userId),
    invite_email: c.inviteEmail,
    role: c.role,
    ...(c.status === 'accepted' ? { acknowledged_at: boxTime(c.createdMs) } : {}),
    item: itemJson,
    is_access_only: false,
  };
}

export function webhookMini(w: WebhookRec): Json {
  return { id: w.id, type: 'webhook', target: { id: w.targetId, type: w.targetType } };
}

export function webhookJson(store: BoxStore, w: WebhookRec): Json {
  const u = store.users.get(w.createdBy);
  return {
    ...webhookMini(w),
    created_by: { type: 'user', id: w.createdBy, name: u?.name ?? '', login: u?.login ?? '' },
    created_at: boxTime(w.createdMs),
    address: w.address,
    triggers: w.triggers,
  };
}
