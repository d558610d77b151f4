/** Kysely types of the event schema (migrations/0002-events.ts). */
import type { Kysely, Transaction } from 'kysely';

export interface EventRow {
  org_id: string;
  event_id: string;
  seq: number;
  created_at: Date;
  recorded_at: Date | null;
  event_type: string;
  actor_id: string | null;
  actor_name: string | null;
  actor_login: string | null;
  item_id: string | null;
  item_type: string | null;
  item_name: string | null;
  parent_id: string | null;
  owner_id: string | null;
  ip_address: string | null;
  session_id: string | null;
  additional_details: unknown;
  raw: string;
  leaf_hash: Buffer;
  leaf_index: number | null;
  ingested_at: Date;
}

export interface OrgStreamRow {
  org_id: string;
  enterprise_id: string;
  stream_position: string | null;
  last_poll_at: Date | null;
  caught_up_at: Date | null;
  newest_event_at: Date | null;
  events_stored: number;
  last_error: string | null;
  updated_at: Date;
}

export interface BackfillRow {
  id: string;
  org_id: string;
  from_ts: Date;
  to_ts: Date;
  stream_position: string | null;
  status: 'running' | 'done' | 'failed';
  pages: number;
  events_seen: number;
  events_stored: number;
  last_event_at: Date | null;
  last_error: string | null;
  started_at: Date;
  finished_at: Date | null;
  updated_at: Date;
}

export interface EventTables {
  'event.events': EventRow;
  'event.event_keys': { org_id: string; event_id: string; created_at: Date };
  'event.org_streams': OrgStreamRow;
  'event.backfills': BackfillRow;
}

export type EventDb = Kysely<EventTables>;
export type EventTrx = Transaction<EventTables>;
