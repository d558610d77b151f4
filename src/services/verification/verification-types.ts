/**
 * The vocabulary of file verification (product.md F6.4): outcomes, the reasons that lead to them,
 * Box's state as a verification saw it, and the ledger's records it compares with. Shared by the
 * comparison (file-comparison.ts), the verifier, the API schemas and evidence bundles.
 */
import type { VERIFICATION_RESULTS } from '../../platform/metrics.ts';

export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

/** Outcomes after which nothing is re-checked. */
export const FINAL_RESULTS: readonly VerificationResult[] = [
  'INTACT',
  'CHANGED',
  'TAMPERED',
  'DELETED',
  'NOT_MONITORED',
];

export const REASON_CODES = [
  // TAMPERED
  'VERSION_HASH_CHANGED',
  'CONTENT_NOT_RECORDED',
  'VERSION_REMOVED',
  'CURRENT_VERSION_ROLLED_BACK',
  // PENDING
  'VERSION_NEWER_THAN_WATERMARK',
  'VERSION_REMOVAL_AWAITING_EVENTS',
  'EVENT_NOT_IN_LEDGER_YET',
  'BASELINE_PENDING',
  'INGESTION_NOT_STARTED',
  // CHANGED
  'VERSION_ADDED',
  'VERSION_TRASHED',
  'VERSION_DELETED',
  // DELETED
  'FILE_TRASHED',
  'FILE_DELETED',
  // NOT_MONITORED
  'NOT_IN_ANY_SET',
  // UNVERIFIABLE
  'BOX_UNAVAILABLE',
  'BOX_ACCESS_DENIED',
  'LEDGER_UNREADABLE',
  'EVENTS_UNAVAILABLE',
  // INTACT
  'MATCHES_RECORDS',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface VerificationReason {
  code: ReasonCode;
  /** The outcome this reason argues for. */
  outcome: VerificationResult;
  /** What was found, in English (clients may show their own text by `code`). */
  message: string;
  versionId?: string | null;
  /** The ledger leaf the reason rests on. */
  leafIndex?: number | null;
  /** The recorded Box event the reason rests on. */
  eventId?: string | null;
  recordedSha1?: string | null;
  boxSha1?: string | null;
  /** When it happened, or since when it is known (ISO 8601). */
  at?: string | null;
}

export interface BoxVersionState {
  versionId: string;
  sha1: string;
  size: number | null;
  versionNumber: string | null;
  /** When Box says the version was created (past versions; the current one: the file's modification time). */
  createdAt: string | null;
  trashedAt: string | null;
  current: boolean;
}

/** Box's answer as the verification read it (product.md F6.4: "Box's current state and full version list"). */
export interface BoxFileState {
  /** Box user the read was made as (the file's owner when known). */
  readAs: string | null;
  observedAt: string;
  status: 'active' | 'trashed' | 'deleted' | 'not_found';
  name: string | null;
  /** The current version first, then the past versions as Box lists them. */
  versions: BoxVersionState[];
  /** The observations the read recorded (each becomes a `file_version` leaf with source `verification`). */
  observationIds: string[];
}

/** A `file_version` leaf as the verification read it from the ledger (its bytes checked against its hash). */
export interface RecordedVersion {
  leafIndex: number;
  observationId: string;
  fileId: string;
  versionId: string;
  sha1: string;
  size: number | null;
  modifiedAt: string | null;
  observedAt: string;
  source: string;
}

/** A stored Box event about the file, as far as verification uses it. */
export interface FileEventFact {
  eventId: string;
  type: string;
  createdAt: string;
  versionId: string | null;
  sha1: string | null;
  /** Where the event's leaf sits in the ledger; null while the ledger has not appended it. */
  leafIndex: number | null;
}

export interface IngestionState {
  /** Last poll that reached the head of Box's stream (null: never). */
  caughtUpAt: string | null;
  /** caughtUpAt minus AUDITOR_VERIFY_EVENT_DELAY: events up to this time are known to be stored. */
  watermark: string | null;
  delayMs: number;
}
