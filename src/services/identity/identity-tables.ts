/** Kysely types of the identity schema (migrations/0002-identity.ts). */
import type { Kysely, Transaction } from 'kysely';
import type { Role } from '../../platform/messaging/catalogue.ts';

export interface OrganizationRow {
  id: string;
  name: string;
  box_enterprise_id: string | null;
  created_at: Date;
}

export type UserKind = 'box' | 'external' | 'local';

export interface UserRow {
  id: string;
  org_id: string;
  email: string;
  name: string;
  kind: UserKind;
  roles: Role[];
  box_user_id: string | null;
  box_role: string | null;
  auditor_firm: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: number | null;
  language: 'en' | 'ja';
  disabled_at: Date | null;
  deleted_at: Date | null;
  tokens_valid_after: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
}

export interface RefreshTokenRow {
  token_hash: Buffer;
  session_id: string;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  token_hash: Buffer;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface PasswordResetRow {
  id: string;
  user_id: string;
  code_hash: Buffer;
  purpose: 'reset' | 'invitation';
  created_at: Date;
  expires_at: Date;
  attempts: number;
  used_at: Date | null;
}

export interface IdentityTables {
  'identity.organizations': OrganizationRow;
  'identity.users': UserRow;
  'identity.auditor_firms': { id: string; org_id: string; name: string; created_at: Date };
  'identity.sessions': SessionRow;
  'identity.refresh_tokens': RefreshTokenRow;
  'identity.api_tokens': ApiTokenRow;
  'identity.password_resets': PasswordResetRow;
  'identity.login_throttle': { key: string; failures: number; locked_until: Date | null; updated_at: Date };
  'identity.box_tokens': {
    user_id: string;
    access_token: string;
    refresh_token: string | null;
    access_expires_at: Date;
    updated_at: Date;
  };
  'identity.oauth_states': {
    state_hash: Buffer;
    code_verifier: string;
    return_to: string | null;
    created_at: Date;
    expires_at: Date;
    used_at: Date | null;
  };
  'identity.emails': {
    id: string;
    recipient: string;
    subject: string;
    body: string;
    created_at: Date;
    attempts: number;
    next_attempt_at: Date;
    sent_at: Date | null;
    last_error: string | null;
  };
}

export type IdentityDb = Kysely<IdentityTables>;
export type IdentityTrx = Transaction<IdentityTables>;
