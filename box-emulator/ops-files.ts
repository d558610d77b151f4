import { usersWithAccess } from './access.ts';
import { BoxHttpError, badParam, notFound } from './errors.ts';
import { type ActCtx, recordItemEvent } from './events-record.ts';
import {
  checkNameFree,
  newVersion,
  nextNumber,
  ownerFor,
  setOwnerDeep,
  storeBlob,
  touch,
  validateName,
} from './ops-common.ts';
import { currentVersion } from './serialize-item.ts';
import type { BoxStore } from './store.ts';
import type { FileRec, ItemRec, VersionRec } from './types.ts';

export interface NewFileInput {
  parentId: string | null;
  name: string;
  bytes: Buffer;
  contentCreatedMs?: number;
  contentModifiedMs?: number;
}

export function createFile(store: BoxStore, ctx: ActCtx, input: NewFileInput): FileRec {
  const name = validateName(input.name);
  const ownerId = ownerFor(store, input.parentId, ctx.actor.id);
  checkNameFree(store, input.parentId, ownerId, name);
  const { sha1, size } = storeBlob(store, input.bytes);
  const at = ctx.at.getTime();
  const version = newVersion(store, ctx, name, sha1, size, 1);
  const file: FileRec = {
    kind: 'file',
    id: store.nextId('file'),
    name,
    parentId: input.parentId,
    ownerId,
    description: '',
    createdMs: at,
    modifiedMs: at,
    createdBy: ctx.actor.id,
    modifiedBy: ctx.actor.id,
    contentCreatedMs: input.contentCreatedMs ?? at,
    contentModifiedMs: input.contentModifiedMs ?? at,
    trashedMs: null,
    trashedBy: null,
    etag: 0,
    sequenceId: 0,
    versions: [version],
    currentVersionId: version.id,
  };
  store.files.set(file.id, file);
  recordItemEvent(store, ctx, {
    item: file,
    enterprise: 'UPLOAD',
    user: 'ITEM_UPLOAD',
    trigger: 'FILE.UPLOADED',
    additional: {
      size,
      ext: file.name.split('.').pop() ?? '',
      version_id: version.id,
      version_number: '1',
      sha1,
    },
  });
  return file;
}

/** A new version on top of the history (Box: "upload file version"). */
export function uploadVersion(
  store: BoxStore,
  ctx: ActCtx,
  file: FileRec,
  bytes: Buffer,
  opts: { name?: string; contentModifiedMs?: number } = {},
): VersionRec {
  if (opts.name !== undefined && opts.name !== file.name) {
    validateName(opts.name);
    checkNameFree(store, file.parentId, file.ownerId, opts.name, file.id);
    file.name = opts.name;
  }
  const { sha1, size } = storeBlob(store, bytes);
  const version = newVersion(store, ctx, file.name, sha1, size, nextNumber(file));
  file.versions.push(version);
  file.currentVersionId = version.id;
  file.contentModifiedMs = opts.contentModifiedMs ?? ctx.at.getTime();
  touch(file, ctx);
  recordItemEvent(store, ctx, {
    item: file,
    enterprise: 'EDIT',
    user: 'ITEM_UPLOAD',
    trigger: 'FILE.UPLOADED',
    additional: {
      size,
      ext: file.name.split('.').pop() ?? '',
      version_id: version.id,
      version_number: String(version.versionNumber),
      sha1,
    },
  });
  return version;
}

export function renameItem(store: BoxStore, ctx: ActCtx, item: ItemRec, name: string): void {
  validateName(name);
  if (name === item.name) return;
  checkNameFree(store, item.parentId, item.ownerId, name, item.id);
  const oldName = item.name;
  item.name = name;
  touch(item, ctx);
  recordItemEvent(store, ctx, {
    item,
    enterprise: 'RENAME',
    user: 'ITEM_RENAME',
    trigger: item.kind === 'file' ? 'FILE.RENAMED' : 'FOLDER.RENAMED',
    additional: { old_name: oldName },
  });
}

export function moveItem(store: BoxStore, ctx: ActCtx, item: ItemRec, parentId: string | null): void {
  if (parentId === item.parentId) return;
  if (parentId && item.kind === 'folder') {
    const target = store.folders.get(parentId);
    if (!target) throw notFound();
    if (target.id === item.id || store.ancestors(target).some((a) => a.id === item.id)) {
      throw badParam('parent', 'A folder cannot be moved into itself or one of its subfolders');
    }
  }
  const ownerId = ownerFor(store, parentId, ctx.actor.id);
  checkNameFree(store, parentId, ownerId, item.name, item.id);
  const before = usersWithAccess(store, item);
  const oldParent = item.parentId ?? '0';
  item.parentId = parentId;
  if (ownerId !== item.ownerId) setOwnerDeep(store, item, ownerId);
  touch(item, ctx);
  recordItemEvent(store, ctx, {
    item,
    enterprise: 'MOVE',
    user: 'ITEM_MOVE',
    trigger: item.kind === 'file' ? 'FILE.MOVED' : 'FOLDER.MOVED',
    additional: { old_parent_id: oldParent },
    alsoNotify: before,
  });
}

export function trashItem(store: BoxStore, ctx: ActCtx, item: ItemRec): void {
  item.trashedMs = ctx.at.getTime();
  item.trashedBy = ctx.actor.id;
  touch(item, ctx);
  recordItemEvent(store, ctx, {
    item,
    enterprise: 'DELETE',
    user: 'ITEM_TRASH',
    trigger: item.kind === 'file' ? 'FILE.TRASHED' : 'FOLDER.TRASHED',
  });
}

export function restoreItem(
  store: BoxStore,
  ctx: ActCtx,
  item: ItemRec,
  opts: { name?: string; parentId?: string | null } = {},
): void {
  const parentId = opts.parentId !== undefined ? opts.parentId : item.parentId;
  const parent = parentId ? store.folders.get(parentId) : null;
  if (parentId && (!parent || store.isTrashed(parent))) {
    throw new BoxHttpError(
      409,
      'conflict',
      'The parent folder is trashed or missing; pass a new parent to restore',
    );
  }
  const name = opts.name ?? item.name;
  checkNameFree(store, parentId, item.ownerId, name, item.id);
  item.name = name;
  item.parentId = parentId;
  item.trashedMs = null;
  item.trashedBy = null;
  touch(item, ctx);
  recordItemEvent(store, ctx, {
    item,
    enterprise: 'UNDELETE',
    user: 'ITEM_UNDELETE_VIA_TRASH',
    trigger: item.kind === 'file' ? 'FILE.RESTORED' : 'FOLDER.RESTORED',
  });
}

/** Box copies only the current version. */
export function copyFile(
  store: BoxStore,
  ctx: ActCtx,
  file: FileRec,
  parentId: string | null,
  name?: string,
): FileRec {
  const current = currentVersion(file);
  const bytes = store.blob(current.sha1);
  const at = ctx.at.getTime();
  const copyName = validateName(name ?? file.name);
  const ownerId = ownerFor(store, parentId, ctx.actor.id);
  checkNameFree(store, parentId, ownerId, copyName);
  const version = newVersion(store, ctx, copyName, current.sha1, bytes.length, 1);
  const copy: FileRec = {
    ...file,
    id: store.nextId('file'),
    name: copyName,
    parentId,
    ownerId,
    createdMs: at,
    modifiedMs: at,
    createdBy: ctx.actor.id,
    modifiedBy: ctx.actor.id,
    trashedMs: null,
    trashedBy: null,
    etag: 0,
    sequenceId: 0,
    versions: [version],
    currentVersionId: version.id,
  };
  store.files.set(copy.id, copy);
  recordItemEvent(store, ctx, {
    item: copy,
    enterprise: 'COPY',
    user: 'ITEM_COPY',
    trigger: 'FILE.COPIED',
    additional: { copied_from_file_id: file.id, version_id: version.id, sha1: current.sha1 },
  });
  return copy;
}

export function recordDownload(store: BoxStore, ctx: ActCtx, file: FileRec, version: VersionRec): void {
  recordItemEvent(store, ctx, {
    item: file,
    enterprise: 'DOWNLOAD',
    user: 'ITEM_DOWNLOAD',
    userScope: 'owner',
    trigger: 'FILE.DOWNLOADED',
    additional: { version_id: version.id, sha1: version.sha1, size: version.size },
  });
}

export function recordPreview(store: BoxStore, ctx: ActCtx, file: FileRec): void {
  recordItemEvent(store, ctx, {
    item: file,
    enterprise: 'PREVIEW',
    user: 'ITEM_PREVIEW',
    userScope: 'owner',
    trigger: 'FILE.PREVIEWED',
  });
}
