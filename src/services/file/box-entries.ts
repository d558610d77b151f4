/** From Box's objects (src/box) to catalogue entries and observed versions. Pure. */
import type { BoxFile, BoxFileVersion, BoxFolder, BoxItemEntry } from '../../box/box-model.ts';
import type { CatalogueEntry } from './catalogue-repository.ts';
import { isoOrNull, type ObservedVersion } from './observations.ts';

const date = (s: string | null) => (s && !Number.isNaN(Date.parse(s)) ? new Date(s) : null);

/**
 * A read is complete about ancestry when it was made as the item's owner: anyone else's view of
 * `path_collection` starts at the highest folder they can see.
 */
const ownerView = (ownerId: string | null | undefined, viewer: string | null) =>
  viewer !== null && ownerId === viewer;

/** Box's trash endpoints give the path ["Trash" (id 1)]; only the parent is the item's real place. */
const inTrash = (path: { id: string }[]) => path.length === 1 && path[0]!.id === TRASH_FOLDER;
export const TRASH_FOLDER = '1';

export function entryFromFile(f: BoxFile, viewer: string | null): CatalogueEntry {
  const trashPath = inTrash(f.path);
  return {
    itemType: 'file',
    itemId: f.id,
    name: f.name,
    parentId: f.parentId,
    // From the trash, only the parent is known: a partial ancestry (the catalogue completes it from
    // the parent's row, and never lets it replace a complete one).
    ancestorIds: trashPath ? (f.parentId ? [f.parentId] : []) : f.path.map((p) => p.id),
    pathNames: trashPath ? (f.parentId ? [''] : []) : f.path.map((p) => p.name),
    ancestryVerified: !trashPath && ownerView(f.owner?.id, viewer),
    ownerId: f.owner?.id ?? null,
    sha1: f.sha1 || null,
    size: f.size,
    modifiedAt: date(f.modifiedAt),
    status: f.itemStatus,
    versionId: f.versionId,
  };
}

export function entryFromFolder(f: BoxFolder, viewer: string | null): CatalogueEntry {
  return {
    itemType: 'folder',
    itemId: f.id,
    name: f.name,
    parentId: f.parentId,
    ancestorIds: f.path.map((p) => p.id),
    pathNames: f.path.map((p) => p.name),
    ancestryVerified: ownerView(f.owner?.id, viewer),
    ownerId: f.owner?.id ?? null,
    sha1: null,
    size: f.size,
    modifiedAt: date(f.modifiedAt),
    status: f.itemStatus,
    versionId: null,
  };
}

export interface ParentPath {
  folderId: string;
  name: string;
  ancestorIds: string[];
  pathNames: string[];
  /** The parent's ancestry is complete (children of a complete parent are complete too). */
  verified: boolean;
}

/** A listing entry, placed below its folder. Web links are not items of ours. */
export function entryFromListing(
  e: BoxItemEntry,
  parent: ParentPath,
  viewer: string | null,
): CatalogueEntry | null {
  if (e.type === 'web_link') return null;
  // A user's root lists collaborated items of other owners too; their real place is elsewhere.
  const verified = parent.folderId === '0' ? ownerView(e.owner?.id, viewer) : parent.verified;
  return {
    itemType: e.type,
    itemId: e.id,
    name: e.name,
    parentId: parent.folderId,
    ancestorIds: [...parent.ancestorIds, parent.folderId],
    pathNames: [...parent.pathNames, parent.name],
    ancestryVerified: verified,
    ownerId: e.owner?.id ?? null,
    sha1: e.sha1,
    size: e.size,
    modifiedAt: date(e.modifiedAt),
    status: 'active',
    versionId: e.versionId,
  };
}

/** The current version (from the file) and every past version Box lists, once each. */
export function observedVersions(f: BoxFile, past: BoxFileVersion[]): ObservedVersion[] {
  const out: ObservedVersion[] = [];
  const seen = new Set<string>();
  if (f.versionId && f.sha1) {
    out.push({
      versionId: f.versionId,
      sha1: f.sha1,
      size: f.size,
      modifiedAt: isoOrNull(f.contentModifiedAt ?? f.modifiedAt),
    });
    seen.add(f.versionId);
  }
  for (const v of past) {
    if (!v.id || !v.sha1 || seen.has(v.id)) continue;
    seen.add(v.id);
    out.push({ versionId: v.id, sha1: v.sha1, size: v.size, modifiedAt: isoOrNull(v.modifiedAt) });
  }
  return out;
}
