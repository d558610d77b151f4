import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/** Organisations, users, sessions, tokens, password resets, Box tokens, sign-in state, auditor firms. */
export const identityTables: Migration = {
  version: 2,
  name: 'organisations, users, sessions and tokens',
  async up(trx) {
    await sql`create table identity.organizations (
      id uuid primary key,
      name text not null,
      box_enterprise_id text unique,
      created_at timestamptz not null default now())`.execute(trx);
    await sql`create table identity.users (
      id uuid primary key,
      org_id uuid not null references identity.organizations(id),
      email text not null,
      name text not null,
      kind text not null check (kind in ('box', 'external', 'local')),
      roles text[] not null,
      box_user_id text,
      box_role text,
      auditor_firm text,
      password_hash text,
      totp_secret text,
      totp_enabled boolean not null default false,
      language text not null default 'en' check (language in ('en', 'ja')),
      disabled_at timestamptz,
      deleted_at timestamptz,
      tokens_valid_after timestamptz,
      last_login_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now())`.execute(trx);
    await sql`create unique index users_email_live_idx on identity.users (lower(email)) where deleted_at is null`.execute(
      trx,
    );
    await sql`create unique index users_box_user_idx on identity.users (org_id, box_user_id) where box_user_id is not null and deleted_at is null`.execute(
      trx,
    );
    await sql`create index users_org_idx on identity.users (org_id, created_at, id)`.execute(trx);
    await sql`create table identity.auditor_firms (
      id uuid primary key,
      org_id uuid not null references identity.organizations(id),
      name text not null,
      created_at timestamptz not null default now())`.execute(trx);
    await sql`create unique index auditor_firms_name_idx on identity.auditor_firms (org_id, lower(name))`.execute(
      trx,
    );
    await sql`create table identity.sessions (
      id uuid primary key,
      user_id uuid not null references identity.users(id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_used_at timestamptz,
      revoked_at timestamptz,
      revoked_reason text,
      user_agent text,
      ip text)`.execute(trx);
    await sql`create index sessions_user_idx on identity.sessions (user_id)`.execute(trx);
    await sql`create index sessions_revoked_idx on identity.sessions (revoked_at) where revoked_at is not null`.execute(
      trx,
    );
    await sql`create table identity.refresh_tokens (
      token_hash bytea primary key,
      session_id uuid not null references identity.sessions(id),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz)`.execute(trx);
    await sql`create index refresh_tokens_session_idx on identity.refresh_tokens (session_id)`.execute(trx);
    await sql`create table identity.api_tokens (
      id uuid primary key,
      user_id uuid not null references identity.users(id),
      name text not null,
      token_hash bytea not null unique,
      scopes text[] not null,
      created_at timestamptz not null,
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz)`.execute(trx);
    await sql`create index api_tokens_user_idx on identity.api_tokens (user_id)`.execute(trx);
    await sql`create table identity.password_resets (
      id uuid primary key,
      user_id uuid not null references identity.users(id),
      code_hash bytea not null,
      purpose text not null check (purpose in ('reset', 'invitation')),
      created_at timestamptz not null,
      expires_at timestamptz not null,
      attempts integer not null default 0,
      used_at timestamptz)`.execute(trx);
    await sql`create index password_resets_user_idx on identity.password_resets (user_id, created_at)`.execute(
      trx,
    );
    await sql`create table identity.login_throttle (
      key text primary key,
      failures integer not null default 0,
      locked_until timestamptz,
      updated_at timestamptz not null)`.execute(trx);
    await sql`create table identity.box_tokens (
      user_id uuid primary key references identity.users(id),
      access_token text not null,
      refresh_token text,
      access_expires_at timestamptz not null,
      updated_at timestamptz not null)`.execute(trx);
    await sql`create table identity.oauth_states (
      state_hash bytea primary key,
      code_verifier text not null,
      return_to text,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz)`.execute(trx);
    await sql`create table identity.emails (
      id uuid primary key,
      recipient text not null,
      subject text not null,
      body text not null,
      created_at timestamptz not null,
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      sent_at timestamptz,
      last_error text)`.execute(trx);
    await sql`create index emails_pending_idx on identity.emails (next_attempt_at) where sent_at is null`.execute(
      trx,
    );
  },
  async down(trx) {
    for (const t of [
      'emails',
      'oauth_states',
      'box_tokens',
      'login_throttle',
      'password_resets',
      'api_tokens',
      'refresh_tokens',
      'sessions',
      'auditor_firms',
      'users',
      'organizations',
    ]) {
      await sql`drop table ${sql.table(`identity.${t}`)}`.execute(trx);
    }
  },
};
