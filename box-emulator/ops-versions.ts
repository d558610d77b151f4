import { badParam, notFound } from './errors.ts';
import { type ActCtx, recordItemEvent } from './events-record.ts';
import { newVersion, nextNumber, touch } from './ops-common.ts';
import type { BoxStore } from './store.ts';
import type { FileRec, VersionRec } from './types.ts';

export function findVersion(file: FileRec, versionId: string): VersionRec {
  const v = file.versions.find((x) => x.id === versionId);
  if (!v) throw notFound('Not Found: file version');
  return v;
}

/** Box copies the old version on top of the history as a new version (201 with the new version). */
export function promoteVersion(store: BoxStore, ctx: ActCtx, file: FileRec, versionId: string): VersionRec {
  const old = findVersion(file, versionId);
  if (old.trashedMs !== null) throw badParam('id', 'The file version is trashed');
  const version = newVersion(store, ctx, old.name, old.sha1, old.size, nextNumber(file));
  file.versions.push(version);
  file.currentVersionId = version.id;
  file.name = old.name;
  touch(file, ctx);
  recordItemEvent(store, ctx, {
    item: file,
    enterprise: 'FILE_VERSION_RESTORE',
    user: 'ITEM_MAKE_CURRENT_VERSION',
    additional: {
      version_id: version.id,
      restored_from_version_id: old.id,
      version_number: String(version.versionNumber),
      sha1: old.sha1,
    },
  });
  return version;
}

/** Moves a past version to the trash. Recorded as DELETE with the version in additional_details. */
export function trashVersion(store: BoxStore, ctx: ActCtx, file: FileRec, versionId: string): void {
  const v = findVersion(file, versionId);
  if (v.id === file.currentVersionId)
    throw badParam('file_version_id', 'The current version cannot be deleted');
  if (v.trashedMs !== null) return;
  v.trashedMs = ctx.at.getTime();
  v.trashedBy = ctx.actor.id;
  touch(file, ctx);
  recordItemEvent(store, ctx, {
    item: file,
    enterprise: 'DELETE',
    additional: { version_id: v.id, version_number: String(v.versionNumber), sha1: v.sha1 },
  });
}

export function restoreVersion(store: BoxStore, ctx: ActCtx, file: FileRec, versionId: string): VersionRec {
  const v = findVersion(file, versionId);
  if (v.trashedMs === null) return v;
  v.trashedMs = null;
  v.trashedBy = null;
  v.restoredMs = ctx.at.getTime();
  v.restoredBy = ctx.actor.id;
  touch(file, ctx);
  recordItemEvent(store, ctx, {
    item: file,
    enterprise: 'UNDELETE',
    additional: { version_id: v.id, version_number: String(v.versionNumber), sha1: v.sha1 },
  });
  return v;
}
