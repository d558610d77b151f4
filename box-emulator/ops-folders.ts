import { BoxHttpError } from './errors.ts';
import { type ActCtx, recordEnterprise, recordItemEvent } from './events-record.ts';
import { checkNameFree, ownerFor, touch, validateName } from './ops-common.ts';
import { userMini } from './serialize-user.ts';
import type { BoxStore } from './store.ts';
import type { CollabRec, CollabRole, FolderRec, ItemRec, UserRec } from './types.ts';

export function createFolder(
  store: BoxStore,
  ctx: ActCtx,
  parentId: string | null,
  rawName: string,
  description = '',
): FolderRec {
  const name = validateName(rawName);
  const ownerId = ownerFor(store, parentId, ctx.actor.id);
  checkNameFree(store, parentId, ownerId, name);
  const at = ctx.at.getTime();
  const folder: FolderRec = {
    kind: 'folder',
    id: store.nextId('folder'),
    name,
    parentId,
    ownerId,
    description,
    createdMs: at,
    modifiedMs: at,
    createdBy: ctx.actor.id,
    modifiedBy: ctx.actor.id,
    contentCreatedMs: at,
    contentModifiedMs: at,
    trashedMs: null,
    trashedBy: null,
    etag: 0,
    sequenceId: 0,
  };
  store.folders.set(folder.id, folder);
  recordItemEvent(store, ctx, {
    item: folder,
    enterprise: 'UPLOAD',
    user: 'ITEM_CREATE',
    trigger: 'FOLDER.CREATED',
  });
  return folder;
}

export const COLLAB_ROLES: readonly CollabRole[] = [
  'editor',
  'viewer',
  'previewer',
  'uploader',
  'previewer uploader',
  'viewer uploader',
  'co-owner',
];

/** Managed users are added straight away (accepted); an unknown email gets a pending invite. */
export function addCollaboration(
  store: BoxStore,
  ctx: ActCtx,
  item: ItemRec,
  who: { user: UserRec } | { email: string },
  role: CollabRole,
  expiresMs: number | null = null,
): CollabRec {
  const user = 'user' in who ? who.user : inviteeFor(store, who.email, ctx.at.getTime());
  if (user.id === item.ownerId)
    throw new BoxHttpError(400, 'bad_request', 'The owner of an item cannot be a collaborator');
  for (const c of store.collabs.values()) {
    if (c.itemId === item.id && c.userId === user.id) {
      throw new BoxHttpError(400, 'user_already_collaborator', 'User is already a collaborator');
    }
  }
  const at = ctx.at.getTime();
  const collab: CollabRec = {
    id: store.nextId('collab'),
    itemType: item.kind,
    itemId: item.id,
    userId: user.id,
    role,
    status: user.kind === 'external' ? 'pending' : 'accepted',
    inviteEmail: user.kind === 'external' ? user.login : null,
    createdBy: ctx.actor.id,
    createdMs: at,
    modifiedMs: at,
    expiresMs,
  };
  store.collabs.set(collab.id, collab);
  touch(item, ctx);
  recordItemEvent(store, ctx, {
    item,
    enterprise: 'COLLABORATION_INVITE',
    user: collab.status === 'accepted' ? 'COLLAB_ADD_COLLABORATOR' : 'COLLAB_INVITE_COLLABORATOR',
    trigger: item.kind === 'folder' ? 'COLLABORATION.CREATED' : undefined,
    additional: { collaboration_id: collab.id, role, invitee: userMini(user) },
  });
  return collab;
}

/** An external person invited by email: a user record outside the enterprise. */
function inviteeFor(store: BoxStore, email: string, at: number): UserRec {
  const existing = store.userByLogin(email);
  if (existing) return existing;
  const user: UserRec = {
    id: store.nextId('user'),
    name: email,
    login: email,
    role: 'user',
    kind: 'external',
    status: 'active',
    createdMs: at,
    modifiedMs: at,
    jobTitle: '',
    phone: '',
    address: '',
    timezone: 'UTC',
    language: 'en',
    spaceAmount: 0,
    ip: '198.51.100.7',
  };
  store.users.set(user.id, user);
  return user;
}

function collabItem(store: BoxStore, c: CollabRec): ItemRec {
  const item = c.itemType === 'file' ? store.files.get(c.itemId) : store.folders.get(c.itemId);
  if (!item) throw new Error(`collaboration ${c.id} on a missing item`);
  return item;
}

export function removeCollaboration(store: BoxStore, ctx: ActCtx, c: CollabRec): void {
  const item = collabItem(store, c);
  store.collabs.delete(c.id);
  touch(item, ctx);
  const removed = store.users.get(c.userId);
  recordItemEvent(store, ctx, {
    item,
    enterprise: 'COLLABORATION_REMOVE',
    user: 'COLLAB_REMOVE_COLLABORATOR',
    trigger: item.kind === 'folder' ? 'COLLABORATION.REMOVED' : undefined,
    additional: { collaboration_id: c.id, role: c.role, ...(removed ? { invitee: userMini(removed) } : {}) },
    alsoNotify: [c.userId],
  });
}

export function changeCollaborationRole(store: BoxStore, ctx: ActCtx, c: CollabRec, role: CollabRole): void {
  if (c.role === role) return;
  const item = collabItem(store, c);
  const oldRole = c.role;
  c.role = role;
  c.modifiedMs = ctx.at.getTime();
  touch(item, ctx);
  recordItemEvent(store, ctx, {
    item,
    enterprise: 'COLLABORATION_ROLE_CHANGE',
    user: 'COLLAB_ROLE_CHANGE',
    trigger: item.kind === 'folder' ? 'COLLABORATION.UPDATED' : undefined,
    additional: { collaboration_id: c.id, role, old_role: oldRole },
  });
}

/** A user signed in (authorize page): enterprise LOGIN with the user as source. */
export function recordLogin(store: BoxStore, ctx: ActCtx): void {
  recordEnterprise(store, ctx, 'LOGIN', { ...userMini(ctx.actor) });
}
