/** Kysely types of the file schema (migrations/0002-catalogue.ts, 0003-enrichment-queue.ts). */
import type { Kysely, Transaction } from 'kysely';
import type { ItemType } from '../../platform/messaging/catalogue.ts';

export type ItemStatus = 'active' | 'trashed' | 'deleted';
/** What last wrote a catalogue row. */
export type CatalogueSource = 'enrichment' | 'listing' | 'lookup' | 'baseline' | 'verification';
export type ObservationSource = 'enrichment' | 'baseline' | 'verification';

export interface ItemRow {
  org_id: string;
  item_type: ItemType;
  item_id: string;
  name: string;
  parent_id: string | null;
  /** Folder ids from the root ("0") down to the parent. */
  ancestor_ids: string[];
  /** Names of those folders, in the same order (for paths of copies). */
  path_names: string[];
  /** True when the ancestry was read as the owner sees it (complete); a collaborator's view starts lower. */
  ancestry_verified: boolean;
  ancestry_at: Date;
  owner_id: string | null;
  sha1: string | null;
  size: number | null;
  modified_at: Date | null;
  status: ItemStatus;
  version_id: string | null;
  fetched_at: Date;
  source: CatalogueSource;
}

export interface ObservationRow {
  observation_id: string;
  org_id: string;
  file_id: string;
  version_id: string;
  sha1: string;
  size: number | null;
  modified_at: Date | null;
  observed_at: Date;
  source: ObservationSource;
  leaf_hash: Buffer;
  leaf_index: number | null;
}

export interface EnrichmentQueueRow {
  org_id: string;
  item_type: ItemType;
  item_id: string;
  owner_id: string | null;
  events: number;
  /** Bumped by every event; a drain only removes the row if no event arrived while it fetched. */
  generation: number;
  first_event_at: Date;
  last_event_at: Date;
  enqueued_at: Date;
  due_at: Date;
  attempts: number;
  last_error: string | null;
}

export interface FileTables {
  'file.items': ItemRow;
  'file.observations': ObservationRow;
  'file.enrichment_queue': EnrichmentQueueRow;
}

export type FileDb = Kysely<FileTables>;
export type FileTrx = Transaction<FileTables>;
