/**
 * The bytes of ledger leaves (architecture.md §7): canonical JSON (RFC 8785) of `{kind, data}`,
 * hashed as RFC 9162 leaves, SHA-256(0x00 || bytes). The owning services compute the same leaf
 * hashes for their records (event.stored and file.version_observed carry them, and their
 * reconciliation jobs compare them with the ledger), so these functions are the one definition
 * of each kind's `data`; they are pure and may be imported by the event and file services.
 *
 *   box_event     data = the event's canonical text as the event service stores it (verbatim)
 *   file_version  data = {fileId, modifiedAt, observationId, observedAt, sha1, size, source, versionId}
 *   audit_action  data = {at, messageId, payload, topic} of an identity.* or audit.* message
 */
import { canonicalize, leafHash } from '../../ledger/index.ts';
import type { Envelope, MessagePayloads } from '../../platform/messaging/catalogue.ts';

export const LEAF_KINDS = ['box_event', 'file_version', 'audit_action'] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

/**
 * Leaf text of a stored Box event. The event text is already canonical JSON, and "data" sorts
 * before "kind", so the canonical form of `{kind, data}` is this concatenation: no re-parsing of
 * every event on the hot path. (Whether the event text is canonical is the event service's
 * contract; the hash it announces is checked against this text before anything is appended.)
 */
export function boxEventLeafText(eventText: string): string {
  return `{"data":${eventText},"kind":"box_event"}`;
}

export type VersionObservation = MessagePayloads['file.version_observed']['observations'][number];

/** The recorded fields of a version observation: every field of the message but its leaf hash. */
export function fileVersionLeafData(o: Omit<VersionObservation, 'leafHash'>) {
  return {
    observationId: o.observationId,
    fileId: o.fileId,
    versionId: o.versionId,
    sha1: o.sha1,
    size: o.size,
    modifiedAt: o.modifiedAt,
    observedAt: o.observedAt,
    source: o.source,
  };
}

export function fileVersionLeafText(o: Omit<VersionObservation, 'leafHash'>): string {
  return canonicalize({ data: fileVersionLeafData(o), kind: 'file_version' });
}

/**
 * Leaf text of an administrative action: the message as its producer committed it. `at` is the
 * outbox row's commit-time timestamp (ISO 8601, UTC, milliseconds), identical on every redelivery.
 */
export function auditActionLeafText(m: Pick<Envelope, 'id' | 'topic' | 'payload' | 'createdAt'>): string {
  return canonicalize({
    data: { at: m.createdAt, messageId: m.id, payload: m.payload, topic: m.topic },
    kind: 'audit_action',
  });
}

export function leafHashOfText(text: string): Buffer {
  return leafHash(Buffer.from(text, 'utf8'));
}

export function isLeafKind(value: string): value is LeafKind {
  return (LEAF_KINDS as readonly string[]).includes(value);
}
