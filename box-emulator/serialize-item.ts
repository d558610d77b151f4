import {
  accessOf,
  activeCollabs,
  canDownload,
  canManageCollabs,
  canRead,
  canWrite,
  visibleAncestors,
} from './access.ts';
import { boxTime } from './clock.ts';
import { type FieldProviders, selectFields } from './fields.ts';
import { userMini } from './serialize-user.ts';
import type { BoxStore } from './store.ts';
import type { FileRec, FolderRec, ItemRec, Json, UserRec, VersionRec } from './types.ts';

const ROOT_MINI: Json = { type: 'folder', id: '0', sequence_id: null, etag: null, name: 'All Files' };

export const FILE_DEFAULT_FIELDS = [
  'type',
  'id',
  'etag',
  'sequence_id',
  'name',
  'sha1',
  'file_version',
  'description',
  'size',
  'path_collection',
  'created_at',
  'modified_at',
  'trashed_at',
  'purged_at',
  'content_created_at',
  'content_modified_at',
  'created_by',
  'modified_by',
  'owned_by',
  'shared_link',
  'parent',
  'item_status',
] as const;

export const FOLDER_DEFAULT_FIELDS = [
  'type',
  'id',
  'etag',
  'sequence_id',
  'name',
  'created_at',
  'modified_at',
  'description',
  'size',
  'path_collection',
  'created_by',
  'modified_by',
  'trashed_at',
  'purged_at',
  'content_created_at',
  'content_modified_at',
  'owned_by',
  'shared_link',
  'folder_upload_email',
  'parent',
  'item_status',
  'item_collection',
] as const;

/** Entries of folder listings without `fields`, as Box returns them. */
export const LISTING_FILE_FIELDS = [
  'type',
  'id',
  'file_version',
  'sequence_id',
  'etag',
  'sha1',
  'name',
] as const;
export const LISTING_FOLDER_FIELDS = ['type', 'id', 'sequence_id', 'etag', 'name'] as const;

export function folderMini(f: FolderRec | undefined | null): Json {
  if (!f) return { ...ROOT_MINI };
  return { type: 'folder', id: f.id, sequence_id: String(f.sequenceId), etag: String(f.etag), name: f.name };
}

export function currentVersion(file: FileRec): VersionRec {
  return (
    file.versions.find((v) => v.id === file.currentVersionId) ?? file.versions[file.versions.length - 1]!
  );
}

function user(store: BoxStore, id: string): Json {
  const u = store.users.get(id);
  return u ? userMini(u) : { type: 'user', id, name: '', login: '' };
}

export function pathCollection(store: BoxStore, viewer: UserRec | null, item: ItemRec): Json {
  const entries = [{ ...ROOT_MINI }, ...visibleAncestors(store, viewer, item).map(folderMini)];
  return { total_count: entries.length, entries };
}

function parentOf(store: BoxStore, viewer: UserRec | null, item: ItemRec): Json {
  const visible = visibleAncestors(store, viewer, item);
  const parent = visible[visible.length - 1];
  return parent && parent.id === item.parentId ? folderMini(parent) : { ...ROOT_MINI };
}

export function folderSize(store: BoxStore, folder: FolderRec): number {
  let total = 0;
  for (const child of store.children(folder.id)) {
    if (child.trashedMs !== null) continue;
    total += child.kind === 'file' ? currentVersion(child).size : folderSize(store, child);
  }
  return total;
}

function common(store: BoxStore, viewer: UserRec | null, item: ItemRec): FieldProviders {
  const trashed = store.isTrashed(item);
  return {
    type: () => item.kind,
    id: () => item.id,
    etag: () => String(item.etag),
    sequence_id: () => String(item.sequenceId),
    name: () => item.name,
    description: () => item.description,
    path_collection: () => pathCollection(store, viewer, item),
    created_at: () => boxTime(item.createdMs),
    modified_at: () => boxTime(item.modifiedMs),
    trashed_at: () => (item.trashedMs === null ? null : boxTime(item.trashedMs)),
    purged_at: () => null,
    content_created_at: () => boxTime(item.contentCreatedMs),
    content_modified_at: () => boxTime(item.contentModifiedMs),
    created_by: () => user(store, item.createdBy),
    modified_by: () => user(store, item.modifiedBy),
    owned_by: () => user(store, item.ownerId),
    shared_link: () => null,
    parent: () => parentOf(store, viewer, item),
    item_status: () => (trashed ? 'trashed' : 'active'),
    has_collaborations: () => activeCollabs(store, item.id).length > 0,
    is_externally_owned: () => store.users.get(item.ownerId)?.kind === 'external',
    allowed_invitee_roles: () => [
      'editor',
      'viewer',
      'previewer',
      'uploader',
      'previewer uploader',
      'viewer uploader',
      'co-owner',
    ],
    watermark_info: () => ({
      is_watermarked: false,
      is_watermark_inherited: false,
      is_watermarked_by_access_policy: false,
    }),
    is_accessible_via_shared_link: () => false,
    is_associated_with_app_item: () => false,
    classification: () => null,
  };
}

function permissionsFor(store: BoxStore, viewer: UserRec | null, item: ItemRec): Record<string, boolean> {
  const access = viewer ? accessOf(store, viewer, item) : 'owner';
  const write = canWrite(access);
  return {
    can_delete: write,
    can_download: canDownload(access),
    can_invite_collaborator: canManageCollabs(access),
    can_rename: write,
    can_set_share_access: write,
    can_share: write,
    can_upload: write,
  };
}

export function fileFull(store: BoxStore, viewer: UserRec | null, file: FileRec, fields?: string[]): Json {
  const current = currentVersion(file);
  const p: FieldProviders = {
    ...common(store, viewer, file),
    sha1: () => current.sha1,
    file_version: () => ({ type: 'file_version', id: current.id, sha1: current.sha1 }),
    size: () => current.size,
    version_number: () => String(current.versionNumber),
    comment_count: () => 0,
    extension: () => (file.name.includes('.') ? file.name.split('.').pop() : ''),
    is_package: () => false,
    lock: () => null,
    uploader_display_name: () => store.users.get(current.modifiedBy)?.name ?? '',
    expires_at: () => null,
    disposition_at: () => null,
    permissions: () => {
      const base = permissionsFor(store, viewer, file);
      const read = canRead(viewer ? accessOf(store, viewer, file) : 'owner');
      return {
        ...base,
        can_annotate: read,
        can_comment: read,
        can_preview: read,
        can_view_annotations_all: read,
        can_view_annotations_self: read,
      };
    },
  };
  return selectFields(p, fields, FILE_DEFAULT_FIELDS);
}

export function folderFull(
  store: BoxStore,
  viewer: UserRec | null,
  folder: FolderRec,
  fields?: string[],
  itemCollection?: () => Json,
): Json {
  const p: FieldProviders = {
    ...common(store, viewer, folder),
    size: () => folderSize(store, folder),
    folder_upload_email: () => null,
    item_collection: itemCollection ?? (() => undefined),
    sync_state: () => 'not_synced',
    permissions: () => permissionsFor(store, viewer, folder),
    can_non_owners_invite: () => true,
    is_collaboration_restricted_to_enterprise: () => false,
    allowed_shared_link_access_levels: () => ['open', 'company', 'collaborators'],
    can_non_owners_view_collaborators: () => true,
  };
  return selectFields(p, fields, FOLDER_DEFAULT_FIELDS);
}

/** The root folder "0" as `viewer` sees it. */
export function rootFolderFull(
  store: BoxStore,
  viewer: UserRec,
  fields?: string[],
  itemCollection?: () => Json,
): Json {
  const p: FieldProviders = {
    type: () => 'folder',
    id: () => '0',
    etag: () => null,
    sequence_id: () => null,
    name: () => 'All Files',
    created_at: () => null,
    modified_at: () => null,
    description: () => '',
    size: () =>
      store
        .children(null, viewer.id)
        .reduce((s, c) => s + (c.kind === 'file' ? currentVersion(c).size : folderSize(store, c)), 0),
    path_collection: () => ({ total_count: 0, entries: [] }),
    created_by: () => userMini(viewer),
    modified_by: () => userMini(viewer),
    trashed_at: () => null,
    purged_at: () => null,
    content_created_at: () => null,
    content_modified_at: () => null,
    owned_by: () => userMini(viewer),
    shared_link: () => null,
    folder_upload_email: () => null,
    parent: () => null,
    item_status: () => 'active',
    item_collection: itemCollection ?? (() => undefined),
    permissions: () => ({
      can_delete: false,
      can_download: true,
      can_invite_collaborator: false,
      can_rename: false,
      can_set_share_access: false,
      can_share: false,
      can_upload: true,
    }),
  };
  return selectFields(p, fields, FOLDER_DEFAULT_FIELDS);
}

/** An entry of a folder listing. */
export function itemEntry(store: BoxStore, viewer: UserRec, item: ItemRec, fields?: string[]): Json {
  return item.kind === 'file'
    ? fileFull(store, viewer, item, fields ?? [...LISTING_FILE_FIELDS])
    : folderFull(store, viewer, item, fields ?? [...LISTING_FOLDER_FIELDS]);
}

export function versionFull(store: BoxStore, v: VersionRec, fields?: string[]): Json {
  const p: FieldProviders = {
    type: () => 'file_version',
    id: () => v.id,
    sha1: () => v.sha1,
    name: () => v.name,
    size: () => v.size,
    created_at: () => boxTime(v.createdMs),
    modified_at: () => boxTime(v.modifiedMs),
    modified_by: () => user(store, v.modifiedBy),
    trashed_at: () => (v.trashedMs === null ? null : boxTime(v.trashedMs)),
    trashed_by: () => (v.trashedBy ? user(store, v.trashedBy) : undefined),
    restored_at: () => (v.restoredMs === null ? null : boxTime(v.restoredMs)),
    restored_by: () => (v.restoredBy ? user(store, v.restoredBy) : undefined),
    purged_at: () => null,
    uploader_display_name: () => store.users.get(v.modifiedBy)?.name ?? '',
    version_number: () => String(v.versionNumber),
  };
  const out = selectFields(p, fields, Object.keys(p));
  if (fields) delete out.etag;
  return out;
}
