/** From Box's JSON (snake_case, as on the wire) to our model. Missing fields become null. */
import type {
  BoxCollaboration,
  BoxEnterpriseUser,
  BoxFile,
  BoxFileVersion,
  BoxFolder,
  BoxItemEntry,
  BoxPathEntry,
  BoxUserRef,
  ItemStatus,
} from './box-model.ts';

type Json = Record<string, unknown>;

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
const num = (v: unknown): number | null =>
  typeof v === 'number'
    ? v
    : typeof v === 'string' && v !== '' && Number.isFinite(Number(v))
      ? Number(v)
      : null;
const obj = (v: unknown): Json | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;

export function userRef(v: unknown): BoxUserRef | null {
  const o = obj(v);
  if (!o || !str(o.id)) return null;
  return { id: str(o.id)!, name: str(o.name) ?? '', login: str(o.login) ?? '' };
}

function path(v: unknown): BoxPathEntry[] {
  const entries = obj(v)?.entries;
  return Array.isArray(entries)
    ? entries.map((e) => ({ id: str(obj(e)?.id) ?? '', name: str(obj(e)?.name) ?? '' }))
    : [];
}

const status = (v: unknown): ItemStatus => (v === 'trashed' || v === 'deleted' ? v : 'active');

export function toBoxFile(j: Json): BoxFile {
  const version = obj(j.file_version);
  return {
    type: 'file',
    id: str(j.id) ?? '',
    name: str(j.name) ?? '',
    description: str(j.description) ?? '',
    sha1: (str(j.sha1) ?? str(version?.sha1) ?? '').toLowerCase(),
    size: num(j.size),
    versionId: str(version?.id),
    versionNumber: str(j.version_number),
    etag: str(j.etag),
    parentId: str(obj(j.parent)?.id),
    path: path(j.path_collection),
    owner: userRef(j.owned_by),
    createdBy: userRef(j.created_by),
    modifiedBy: userRef(j.modified_by),
    createdAt: str(j.created_at),
    modifiedAt: str(j.modified_at),
    contentModifiedAt: str(j.content_modified_at),
    trashedAt: str(j.trashed_at),
    itemStatus: status(j.item_status),
  };
}

export function toBoxFileVersion(j: Json): BoxFileVersion {
  return {
    id: str(j.id) ?? '',
    sha1: (str(j.sha1) ?? '').toLowerCase(),
    size: num(j.size),
    versionNumber: str(j.version_number),
    createdAt: str(j.created_at),
    modifiedAt: str(j.modified_at),
    modifiedBy: userRef(j.modified_by),
    trashedAt: str(j.trashed_at),
    restoredAt: str(j.restored_at),
    purgedAt: str(j.purged_at),
    uploaderDisplayName: str(j.uploader_display_name),
  };
}

export function toBoxFolder(j: Json): BoxFolder {
  return {
    type: 'folder',
    id: str(j.id) ?? '',
    name: str(j.name) ?? '',
    description: str(j.description) ?? '',
    parentId: str(obj(j.parent)?.id),
    path: path(j.path_collection),
    owner: userRef(j.owned_by),
    createdBy: userRef(j.created_by),
    modifiedBy: userRef(j.modified_by),
    createdAt: str(j.created_at),
    modifiedAt: str(j.modified_at),
    size: num(j.size),
    itemStatus: status(j.item_status),
  };
}

export function toBoxItemEntry(j: Json): BoxItemEntry {
  const type = j.type === 'folder' || j.type === 'web_link' ? j.type : 'file';
  return {
    type,
    id: str(j.id) ?? '',
    name: str(j.name) ?? '',
    sha1: str(j.sha1)?.toLowerCase() ?? null,
    size: num(j.size),
    modifiedAt: str(j.modified_at),
    versionId: str(obj(j.file_version)?.id),
    owner: userRef(j.owned_by),
  };
}

export function toBoxCollaboration(j: Json): BoxCollaboration {
  const by = obj(j.accessible_by);
  return {
    id: str(j.id) ?? '',
    role: str(j.role) ?? '',
    status: str(j.status) ?? '',
    accessibleBy: by
      ? {
          type: by.type === 'group' ? 'group' : 'user',
          id: str(by.id) ?? '',
          name: str(by.name) ?? '',
          login: str(by.login),
        }
      : null,
    inviteEmail: str(j.invite_email),
    createdAt: str(j.created_at),
    expiresAt: str(j.expires_at),
  };
}

export function toBoxEnterpriseUser(j: Json): BoxEnterpriseUser {
  const enterprise = obj(j.enterprise);
  const role = j.role === 'admin' || j.role === 'coadmin' || j.role === 'user' ? j.role : null;
  return {
    id: str(j.id) ?? '',
    name: str(j.name) ?? '',
    login: str(j.login) ?? '',
    role,
    status: str(j.status),
    enterprise:
      enterprise && str(enterprise.id) ? { id: str(enterprise.id)!, name: str(enterprise.name) ?? '' } : null,
    language: str(j.language),
  };
}
