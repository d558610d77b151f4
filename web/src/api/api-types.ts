/** Names for the API shapes the screens use, taken from the generated OpenAPI types. */
import type { ResponseOf } from './typed-api.ts';

export type Me = ResponseOf<'/api/v1/me', 'get'>;
export type User = ResponseOf<'/api/v1/users/{id}', 'get'>;
export type UserPage = ResponseOf<'/api/v1/users', 'get'>;
export type Role = User['roles'][number];
export type UserKind = User['kind'];
export type Language = User['language'];
export type Scope = Me['scopes'][number];
export type Organization = ResponseOf<'/api/v1/organizations', 'get'>['items'][number];
export type ApiToken = ResponseOf<'/api/v1/api-tokens', 'get'>['items'][number];
export type NewApiToken = ResponseOf<'/api/v1/api-tokens', 'post'>;
export type Session = ResponseOf<'/api/v1/auth/login', 'post'>;
export type TotpEnrolment = ResponseOf<'/api/v1/me/totp', 'post'>;

export const ROLES: readonly Role[] = ['AUDIT_ADMIN', 'GENERAL_USER', 'EXTERNAL_AUDITOR'];
export const USER_KINDS: readonly UserKind[] = ['box', 'external', 'local'];
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin', 'ledger:read'];

export type AuditSet = ResponseOf<'/api/v1/audit-sets/{id}', 'get'>;
export type AuditSetPage = ResponseOf<'/api/v1/audit-sets', 'get'>;
export type SetRole = NonNullable<AuditSet['myRole']>;
export type SetCollaborators = ResponseOf<'/api/v1/audit-sets/{id}/collaborators', 'get'>;
export type SetCollaborator = SetCollaborators['collaborators'][number];
export type SetItem = ResponseOf<'/api/v1/audit-sets/{id}/items/{itemId}', 'get'>;
export type AllowRule = SetItem['rules'][number];
export type SetChild = ResponseOf<'/api/v1/audit-sets/{id}/items/{itemId}/children', 'get'>['items'][number];
export type Verification = SetItem['verification'];
export type AccessLogEntry = ResponseOf<'/api/v1/audit-sets/{id}/access-logs', 'get'>['items'][number];
export type ItemSetMembership = ResponseOf<'/api/v1/items/{itemId}/audit-sets', 'get'>['items'][number];
export type AuditGroup = ResponseOf<'/api/v1/audit-groups/{id}', 'get'>;
export type Person = AuditGroup['members'][number];
export type FileDetails = ResponseOf<'/api/v1/files/{id}', 'get'>;
export type FolderDetails = ResponseOf<'/api/v1/folders/{id}', 'get'>;
export type FolderEntry = ResponseOf<'/api/v1/folders/{id}/items', 'get'>['items'][number];
export type FileVersion = ResponseOf<'/api/v1/files/{id}/versions', 'get'>['items'][number];
export type FileCopy = ResponseOf<'/api/v1/files/{id}/copies', 'get'>['items'][number];
export type ItemCollaborator = ResponseOf<'/api/v1/files/{id}/collaborators', 'get'>['items'][number];
export type BoxEvent = ResponseOf<'/api/v1/events', 'get'>['items'][number];
export type EventPage = ResponseOf<'/api/v1/events', 'get'>;
export type EventStats = ResponseOf<'/api/v1/events/stats', 'get'>;
export type ItemType = SetItem['type'];
export type BoxItemStatus = FileDetails['status'];
export type FileVerification = ResponseOf<'/api/v1/files/{id}/verifications', 'post'>;
export type FileVerificationSummary = ResponseOf<'/api/v1/files/{id}/verifications', 'get'>['items'][number];
export type VerificationReason = FileVerification['reasons'][number];
export type VerificationResult = FileVerification['result'];
export type VerificationEvidence = FileVerification['evidence'];
