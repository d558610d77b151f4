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
