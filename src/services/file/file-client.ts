/**
 * What other services ask the file service: item ancestry and basics (from its catalogue, or from
 * Box), folder children, which known items an audit set's rules allow, folder descendants, and fresh
 * observations of a file's versions (recorded in the ledger as `file_version` leaves). In all-in-one
 * mode the file service implements it; in distributed mode the HTTP client calls its internal routes.
 */
import type { BoxFile, BoxFileVersion } from '../../box/box-model.ts';
import type { ItemType } from '../../platform/messaging/catalogue.ts';
import type { ServiceHttpClient } from '../../platform/service-http-client.ts';
import type { TopItem } from '../audit/allow-rules.ts';

export interface ItemRef {
  itemId: string;
  itemType: ItemType;
}

export interface ItemInfo extends ItemRef {
  name: string;
  parentId: string | null;
  /** Ancestor folder ids from the root ("0") down to the parent. */
  ancestorIds: string[];
  /** Box user id of the owner (whose view server-side reads use, As-User). */
  ownerId: string | null;
  sha1: string | null;
  size: number | null;
  modifiedAt: string | null;
  status: 'active' | 'trashed' | 'deleted';
}

export interface RecordedObservation {
  observationId: string;
  versionId: string;
  sha1: string;
  /** Base64 leaf hash of the observation's canonical bytes (the `file_version` leaf). */
  leafHash: string;
}

export interface FileObservation {
  fileId: string;
  observedAt: string;
  /** `not_found`: Box says the file does not exist (deleted for good or never visible). */
  status: 'active' | 'trashed' | 'deleted' | 'not_found';
  file: BoxFile | null;
  /** Past versions as Box lists them now (the current version is `file.versionId`). */
  versions: BoxFileVersion[];
  /** The observations recorded by this call (one per version, current included). */
  recorded: RecordedObservation[];
}

export interface FileClient {
  items(orgId: string, refs: ItemRef[], o?: { asUser?: string | null }): Promise<ItemInfo[]>;
  children(
    orgId: string,
    folderId: string,
    o: { asUser: string | null; marker?: string; limit: number },
  ): Promise<{ items: ItemInfo[]; nextMarker: string | null }>;
  /** Known items (files and folders in the catalogue) that any of `tops` allows. */
  allowedItemIds(orgId: string, tops: TopItem[]): Promise<string[]>;
  /** Known items below a folder (catalogue). */
  descendants(orgId: string, folderId: string): Promise<string[]>;
  /** Reads the file and all its versions from Box now (never from a cache) and records them. */
  observeFile(
    orgId: string,
    fileId: string,
    o: { asUser: string | null; source: 'baseline' | 'verification' },
  ): Promise<FileObservation>;
  /** Every file below a folder as `asUser` sees it in Box (for baselines of folder items). */
  filesUnder(orgId: string, folderId: string, o: { asUser: string | null; max: number }): Promise<ItemInfo[]>;
}

export function createFileHttpClient(http: ServiceHttpClient): FileClient {
  const call = <T>(path: string, body: unknown) => http.call<T>('POST', `/internal/files/${path}`, body);
  return {
    items: async (orgId, refs, o) =>
      (await call<{ items: ItemInfo[] }>('items', { orgId, refs, asUser: o?.asUser ?? null })).items,
    children: (orgId, folderId, o) => call('children', { orgId, folderId, ...o }),
    allowedItemIds: async (orgId, tops) =>
      (await call<{ items: string[] }>('allowed', { orgId, tops })).items,
    descendants: async (orgId, folderId) =>
      (await call<{ items: string[] }>('descendants', { orgId, folderId })).items,
    observeFile: (orgId, fileId, o) => call('observe', { orgId, fileId, ...o }),
    filesUnder: async (orgId, folderId, o) =>
      (await call<{ items: ItemInfo[] }>('files-under', { orgId, folderId, ...o })).items,
  };
}
