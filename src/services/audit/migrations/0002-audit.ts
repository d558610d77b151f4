import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/** Audit sets, collaborators, groups, items with allow-list rules, access logs, file statuses. */
export const auditTables: Migration = {
  version: 2,
  name: 'audit sets, collaborators, groups, items, access logs',
  async up(trx) {
    await sql`create table audit.sets (
      id uuid primary key,
      org_id uuid not null,
      name text not null,
      description text not null default '',
      owner_id uuid,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz,
      deleted_by uuid)`.execute(trx);
    await sql`create unique index sets_name_live_idx on audit.sets (org_id, lower(name)) where deleted_at is null`.execute(
      trx,
    );
    await sql`create index sets_org_idx on audit.sets (org_id, created_at, id)`.execute(trx);
    await sql`create table audit.collaborators (
      set_id uuid not null references audit.sets(id) on delete cascade,
      user_id uuid not null,
      role text not null check (role in ('OWNER', 'CO_OWNER', 'MEMBER', 'REVIEWER')),
      added_by uuid,
      added_at timestamptz not null,
      primary key (set_id, user_id))`.execute(trx);
    await sql`create unique index collaborators_one_owner_idx on audit.collaborators (set_id) where role = 'OWNER'`.execute(
      trx,
    );
    await sql`create index collaborators_user_idx on audit.collaborators (user_id)`.execute(trx);
    await sql`create table audit.groups (
      id uuid primary key,
      org_id uuid not null,
      name text not null,
      description text not null default '',
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz)`.execute(trx);
    await sql`create unique index groups_name_live_idx on audit.groups (org_id, lower(name)) where deleted_at is null`.execute(
      trx,
    );
    await sql`create table audit.group_members (
      group_id uuid not null references audit.groups(id) on delete cascade,
      user_id uuid not null,
      added_at timestamptz not null,
      primary key (group_id, user_id))`.execute(trx);
    await sql`create index group_members_user_idx on audit.group_members (user_id)`.execute(trx);
    await sql`create table audit.set_groups (
      set_id uuid not null references audit.sets(id) on delete cascade,
      group_id uuid not null references audit.groups(id) on delete cascade,
      primary key (set_id, group_id))`.execute(trx);
    await sql`create index set_groups_group_idx on audit.set_groups (group_id)`.execute(trx);
    await sql`create table audit.set_openings (
      set_id uuid not null references audit.sets(id) on delete cascade,
      user_id uuid not null,
      first_opened_at timestamptz not null,
      primary key (set_id, user_id))`.execute(trx);
    await sql`create table audit.favourites (
      user_id uuid not null,
      set_id uuid not null references audit.sets(id) on delete cascade,
      primary key (user_id, set_id))`.execute(trx);
    await sql`create table audit.items (
      set_id uuid not null references audit.sets(id) on delete cascade,
      item_id text not null,
      item_type text not null check (item_type in ('file', 'folder')),
      name text not null,
      owner_box_user_id text,
      ancestor_ids text[] not null default '{}',
      rules jsonb not null default '[]',
      rule_paths jsonb not null default '{}',
      status text not null check (status in ('PENDING_BASELINE', 'MONITORED')),
      files_in_baseline integer,
      added_by uuid not null,
      added_at timestamptz not null,
      monitored_at timestamptz,
      primary key (set_id, item_id))`.execute(trx);
    await sql`create index items_item_idx on audit.items (item_id)`.execute(trx);
    await sql`create table audit.access_logs (
      id uuid primary key,
      org_id uuid not null,
      set_id uuid,
      item_id text not null,
      item_type text not null,
      user_id uuid not null,
      action text not null check (action in ('VIEW', 'PREVIEW', 'DOWNLOAD')),
      at timestamptz not null)`.execute(trx);
    await sql`create index access_logs_set_idx on audit.access_logs (set_id, at, id)`.execute(trx);
    await sql`create index access_logs_item_idx on audit.access_logs (org_id, item_id, at, id)`.execute(trx);
    await sql`create table audit.file_status (
      org_id uuid not null,
      file_id text not null,
      last_result text not null,
      verification_id uuid not null,
      verified_at timestamptz not null,
      primary key (org_id, file_id))`.execute(trx);
  },
  async down(trx) {
    for (const t of [
      'file_status',
      'access_logs',
      'items',
      'favourites',
      'set_openings',
      'set_groups',
      'group_members',
      'groups',
      'collaborators',
      'sets',
    ]) {
      await sql`drop table ${sql.table(`audit.${t}`)}`.execute(trx);
    }
  },
};
