/** Records the local Box keeps. Timestamps are stored as epoch milliseconds and rendered by the serialisers. */

export type BoxRole = 'admin' | 'coadmin' | 'user';

export interface UserRec {
  id: string;
  name: string;
  login: string;
  role: BoxRole;
  kind: 'managed' | 'service_account' | 'external';
  status: 'active' | 'inactive';
  createdMs: number;
  modifiedMs: number;
  jobTitle: string;
  phone: string;
  address: string;
  timezone: string;
  language: string;
  spaceAmount: number;
  /** Usual IP address of this user's activity (generated events). */
  ip: string;
  /** For service accounts: the CCG app they belong to. */
  appClientId?: string;
}

interface ItemBase {
  id: string;
  name: string;
  /** `null` = the owner's root folder ("0", "All Files"). */
  parentId: string | null;
  ownerId: string;
  description: string;
  createdMs: number;
  modifiedMs: number;
  createdBy: string;
  modifiedBy: string;
  contentCreatedMs: number;
  contentModifiedMs: number;
  /** Set only on the item that was moved to the trash (descendants are trashed implicitly). */
  trashedMs: number | null;
  trashedBy: string | null;
  etag: number;
  sequenceId: number;
}

export interface FolderRec extends ItemBase {
  kind: 'folder';
}

export interface VersionRec {
  id: string;
  sha1: string;
  size: number;
  name: string;
  createdMs: number;
  modifiedMs: number;
  modifiedBy: string;
  trashedMs: number | null;
  trashedBy: string | null;
  restoredMs: number | null;
  restoredBy: string | null;
  versionNumber: number;
}

export interface FileRec extends ItemBase {
  kind: 'file';
  /** Oldest first; the current version is `currentVersionId` (normally the last). */
  versions: VersionRec[];
  currentVersionId: string;
}

export type ItemRec = FileRec | FolderRec;

export type CollabRole =
  | 'editor'
  | 'viewer'
  | 'previewer'
  | 'uploader'
  | 'previewer uploader'
  | 'viewer uploader'
  | 'co-owner';

export interface CollabRec {
  id: string;
  itemType: 'file' | 'folder';
  itemId: string;
  userId: string;
  role: CollabRole;
  status: 'accepted' | 'pending';
  inviteEmail: string | null;
  createdBy: string;
  createdMs: number;
  modifiedMs: number;
  expiresMs: number | null;
}

export interface WebhookRec {
  id: string;
  targetType: 'file' | 'folder';
  targetId: string;
  address: string;
  triggers: string[];
  createdBy: string;
  appClientId: string;
  createdMs: number;
}

export interface TokenRec {
  kind: 'oauth' | 'ccg';
  accessToken: string;
  refreshToken?: string;
  clientId: string;
  userId: string;
  scopes: string[];
  accessExpiresMs: number;
  refreshExpiresMs?: number;
  revoked: boolean;
  refreshUsed: boolean;
}

export interface CodeRec {
  code: string;
  clientId: string;
  userId: string;
  redirectUri?: string;
  scopes: string[];
  expiresMs: number;
  used: boolean;
  codeChallenge?: string;
}

export type Json = Record<string, unknown>;

export interface EnterpriseEventRec {
  /** Processing order (admin_logs_streaming). */
  seq: number;
  /** Chronological key (admin_logs): createdMs · 2^20 + rank within the millisecond. */
  key: bigint;
  createdMs: number;
  recordedMs: number;
  type: string;
  json: Json;
}

export interface UserEventRec {
  seq: number;
  createdMs: number;
  userIds: string[];
  /** Part of the `changes`/`sync` streams (tree changes), not only `all`. */
  changes: boolean;
  json: Json;
}
