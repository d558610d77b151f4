/**
 * Evidence bundles (product.md F6.6), format `auditor-for-box/evidence-bundle/v1`: one JSON document
 * that an auditor checks offline — with `auditor verify-bundle <file>` or the static page
 * `verify-bundle.html` — without trusting or reaching our servers.
 *
 *   format       "auditor-for-box/evidence-bundle/v1"
 *   kind         "file-verification" | "set-verification" | "event-search"
 *   createdAt    ISO 8601
 *   log          {origin, logKey, witnessKey}: the log's origin line and the C2SP verifier keys of
 *                the log (Ed25519, type 0x01) and of the witness (cosignature/v1, type 0x04, or null)
 *   checkpoint   {treeSize, rootHash, note}: the signed checkpoint every record is proven against;
 *                its note carries the witness's cosignature line when the witness cosigned this size
 *   witnessed    {treeSize, note, consistencyProof} | null: the latest checkpoint the witness cosigned
 *                (≤ checkpoint.treeSize), with a consistency proof from it to `checkpoint`
 *   records      [{index, kind, leafHash, data, proof}]: ledger leaves with their exact bytes and an
 *                RFC 9162 inclusion proof (base64) against `checkpoint`
 *   subject      what the bundle is about: the verification(s) with their reasons, Box's state and the
 *                records they rest on (by leaf index), or the event search and its events
 *   limits       {maxRecords, omittedRecords, note}: records left out to keep the bundle bounded
 *   statement    a C2SP signed note by the log key over
 *                  "auditor-for-box evidence bundle v1\n<origin>\nsha256 <hex>\n"
 *                where <hex> is SHA-256 of the RFC 8785 canonical JSON of the bundle without
 *                `statement`: it binds the claims (which no Merkle proof covers) to the installation.
 *                Its text can never parse as a checkpoint (the size line is not a number).
 *
 * A verifier checks: every record's leaf hash from its data; every inclusion proof to the
 * checkpoint's root; the checkpoint's log signature (and the witness cosignature when present); the
 * witnessed checkpoint's signatures and its consistency with the checkpoint; the statement's
 * signature and digest; and that every claim in `subject` matches the record it names.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../../ledger/index.ts';
import type { FileVerificationClaim, SetVerificationDto } from './verification-schemas.ts';

export const BUNDLE_FORMAT = 'auditor-for-box/evidence-bundle/v1';
export const STATEMENT_HEADER = 'auditor-for-box evidence bundle v1';

export type BundleKind = 'file-verification' | 'set-verification' | 'event-search';

export interface BundleRecord {
  index: number;
  kind: 'box_event' | 'file_version' | 'audit_action';
  leafHash: string;
  data: string;
  proof: string[];
}

export interface FileVerificationSubject {
  verification: FileVerificationClaim;
}

export interface SetVerificationSubject {
  run: Omit<SetVerificationDto, 'tampered'>;
  /** Every file verification of the run (the TAMPERED ones first). */
  verifications: FileVerificationClaim[];
}

export interface EventSearchSubject {
  query: {
    from: string;
    to: string;
    actor: string[] | null;
    type: string[] | null;
    item: string[] | null;
    folder: string | null;
    auditSet: string | null;
    order: 'asc' | 'desc';
  };
  /** The matching events in order; leafIndex null: not appended to the ledger yet (no proof). */
  events: Array<{
    eventId: string;
    type: string;
    createdAt: string;
    itemId: string | null;
    leafIndex: number | null;
  }>;
  /** More events matched than `maxEvents`. */
  truncated: boolean;
  maxEvents: number;
}

export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT;
  kind: BundleKind;
  createdAt: string;
  log: { origin: string; logKey: string; witnessKey: string | null };
  checkpoint: { treeSize: number; rootHash: string; note: string };
  witnessed: { treeSize: number; note: string; consistencyProof: string[] } | null;
  records: BundleRecord[];
  subject: FileVerificationSubject | SetVerificationSubject | EventSearchSubject;
  limits: { maxRecords: number; omittedRecords: number; note: string | null };
  statement: string;
}

/** SHA-256 (hex) of the canonical JSON of the bundle without its statement. */
export function bundleDigest(bundle: Record<string, unknown>): string {
  const { statement: _statement, ...content } = bundle;
  // Exactly what a reader of the JSON sees: no undefined members, no Date objects.
  const plain: unknown = JSON.parse(JSON.stringify(content));
  return createHash('sha256').update(canonicalize(plain), 'utf8').digest('hex');
}

export function statementText(origin: string, digest: string): string {
  return `${STATEMENT_HEADER}\n${origin}\nsha256 ${digest}\n`;
}
