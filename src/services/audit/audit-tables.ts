/** Kysely types of the audit schema (migrations/0002-audit.ts). */
import type { Kysely, Transaction } from 'kysely';
import type { AllowRule, ItemType, SetRole } from '../../platform/messaging/catalogue.ts';

export interface SetRow {
  id: string;
  org_id: string;
  name: string;
  description: string;
  owner_id: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  deleted_by: string | null;
}

export interface ItemRow {
  set_id: string;
  item_id: string;
  item_type: ItemType;
  name: string;
  owner_box_user_id: string | null;
  ancestor_ids: string[];
  rules: AllowRule[];
  rule_paths: Record<string, string[]>;
  status: 'PENDING_BASELINE' | 'MONITORED';
  files_in_baseline: number | null;
  added_by: string;
  added_at: Date;
  monitored_at: Date | null;
}

export interface GroupRow {
  id: string;
  org_id: string;
  name: string;
  description: string;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export interface AuditTables {
  'audit.sets': SetRow;
  'audit.collaborators': {
    set_id: string;
    user_id: string;
    role: SetRole;
    added_by: string | null;
    added_at: Date;
  };
  'audit.groups': GroupRow;
  'audit.group_members': { group_id: string; user_id: string; added_at: Date };
  'audit.set_groups': { set_id: string; group_id: string };
  'audit.set_openings': { set_id: string; user_id: string; first_opened_at: Date };
  'audit.favourites': { user_id: string; set_id: string };
  'audit.items': ItemRow;
  'audit.access_logs': {
    id: string;
    org_id: string;
    set_id: string | null;
    item_id: string;
    item_type: string;
    user_id: string;
    action: 'VIEW' | 'PREVIEW' | 'DOWNLOAD';
    at: Date;
  };
  'audit.file_status': {
    org_id: string;
    file_id: string;
    last_result: string;
    verification_id: string;
    verified_at: Date;
  };
}

export type AuditDb = Kysely<AuditTables>;
export type AuditTrx = Transaction<AuditTables>;
