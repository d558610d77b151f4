/** Our view of Box objects: only what the product uses, named our way, independent of the SDK. */
import type { JsonValue } from '../ledger/index.ts';

export interface BoxUserRef {
  id: string;
  name: string;
  login: string;
}

export type ItemStatus = 'active' | 'trashed' | 'deleted';

export interface BoxPathEntry {
  id: string;
  name: string;
}

export interface BoxFile {
  type: 'file';
  id: string;
  name: string;
  description: string;
  /** Lower-case hex SHA-1 of the current version. */
  sha1: string;
  size: number | null;
  versionId: string | null;
  versionNumber: string | null;
  etag: string | null;
  parentId: string | null;
  /** Ancestors from the root ("All Files") down to the parent, as the caller sees them. */
  path: BoxPathEntry[];
  owner: BoxUserRef | null;
  createdBy: BoxUserRef | null;
  modifiedBy: BoxUserRef | null;
  createdAt: string | null;
  modifiedAt: string | null;
  contentModifiedAt: string | null;
  trashedAt: string | null;
  itemStatus: ItemStatus;
}

export interface BoxFileVersion {
  id: string;
  sha1: string;
  size: number | null;
  versionNumber: string | null;
  createdAt: string | null;
  modifiedAt: string | null;
  modifiedBy: BoxUserRef | null;
  trashedAt: string | null;
  restoredAt: string | null;
  purgedAt: string | null;
  uploaderDisplayName: string | null;
}

export interface BoxFolder {
  type: 'folder';
  id: string;
  name: string;
  description: string;
  parentId: string | null;
  path: BoxPathEntry[];
  owner: BoxUserRef | null;
  createdBy: BoxUserRef | null;
  modifiedBy: BoxUserRef | null;
  createdAt: string | null;
  modifiedAt: string | null;
  size: number | null;
  itemStatus: ItemStatus;
}

export interface BoxItemEntry {
  type: 'file' | 'folder' | 'web_link';
  id: string;
  name: string;
  sha1: string | null;
  size: number | null;
  modifiedAt: string | null;
  versionId: string | null;
  owner: BoxUserRef | null;
}

export interface BoxCollaboration {
  id: string;
  role: string;
  status: string;
  accessibleBy: { type: 'user' | 'group'; id: string; name: string; login: string | null } | null;
  inviteEmail: string | null;
  createdAt: string | null;
  expiresAt: string | null;
}

export interface BoxEnterpriseUser {
  id: string;
  name: string;
  login: string;
  role: 'admin' | 'coadmin' | 'user' | null;
  status: string | null;
  enterprise: { id: string; name: string } | null;
  language: string | null;
}

/** An event exactly as Box sent it, parsed so integers beyond 2^53 keep their digits. */
export type RawBoxEvent = { [key: string]: JsonValue };

export interface EventsPage {
  entries: RawBoxEvent[];
  /** Opaque cursor, always kept as a string. */
  nextStreamPosition: string;
  chunkSize: number;
}

export interface DownloadResponse {
  status: number;
  headers: Record<string, string>;
  body: NodeJS.ReadableStream;
}
