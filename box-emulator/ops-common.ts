import { createHash } from 'node:crypto';
import { BoxHttpError, badParam } from './errors.ts';
import type { ActCtx } from './events-record.ts';
import type { BoxStore } from './store.ts';
import type { FileRec, ItemRec, VersionRec } from './types.ts';

export const sha1Hex = (bytes: Buffer): string => createHash('sha1').update(bytes).digest('hex');

/** Keeps the bytes (content-addressed) and returns their sha1 and size. */
export function storeBlob(store: BoxStore, bytes: Buffer): { sha1: string; size: number } {
  const sha1 = sha1Hex(bytes);
  if (!store.blobs.has(sha1)) store.blobs.set(sha1, Buffer.from(bytes));
  return { sha1, size: bytes.length };
}

/** Every change bumps etag and sequence_id and stamps modified_at/by. */
export function touch(item: ItemRec, ctx: ActCtx): void {
  item.etag += 1;
  item.sequenceId += 1;
  item.modifiedMs = ctx.at.getTime();
  item.modifiedBy = ctx.actor.id;
}

export function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') throw badParam('name', 'Item name is required');
  if (name.length > 255)
    throw badParam('name', 'Item name is too long (max 255 characters)', 'item_name_too_long');
  if (/[/\\]/.test(name) || name === '.' || name === '..' || name !== name.trim()) {
    throw badParam('name', 'Item name is invalid', 'item_name_invalid');
  }
  return name;
}

/** Box answers 409 `item_name_in_use` when a sibling (file or folder) already has the name. */
export function checkNameFree(
  store: BoxStore,
  parentId: string | null,
  ownerId: string,
  name: string,
  exceptId?: string,
): void {
  const lower = name.toLowerCase();
  const clash = store
    .children(parentId, ownerId)
    .find((c) => c.id !== exceptId && c.trashedMs === null && c.name.toLowerCase() === lower);
  if (clash) {
    throw new BoxHttpError(409, 'item_name_in_use', 'Item with the same name already exists', {
      conflicts: [
        {
          type: clash.kind,
          id: clash.id,
          sequence_id: String(clash.sequenceId),
          etag: String(clash.etag),
          name: clash.name,
        },
      ],
    });
  }
}

/** Owner of new content in a folder: the folder's owner (Box); in a root folder: the actor. */
export function ownerFor(store: BoxStore, parentId: string | null, actorId: string): string {
  return parentId ? (store.folders.get(parentId)?.ownerId ?? actorId) : actorId;
}

/** Moving content into someone else's folder hands it to that folder's owner, subtree included. */
export function setOwnerDeep(store: BoxStore, item: ItemRec, ownerId: string): void {
  item.ownerId = ownerId;
  if (item.kind === 'folder')
    for (const child of store.children(item.id)) setOwnerDeep(store, child, ownerId);
}

export function newVersion(
  store: BoxStore,
  ctx: ActCtx,
  name: string,
  sha1: string,
  size: number,
  number: number,
): VersionRec {
  const at = ctx.at.getTime();
  return {
    id: store.nextId('version'),
    sha1,
    size,
    name,
    createdMs: at,
    modifiedMs: at,
    modifiedBy: ctx.actor.id,
    trashedMs: null,
    trashedBy: null,
    restoredMs: null,
    restoredBy: null,
    versionNumber: number,
  };
}

export const nextNumber = (file: FileRec): number =>
  Math.max(0, ...file.versions.map((v) => v.versionNumber)) + 1;
