/**
 * Building evidence bundles (bundle-format.ts) for a file verification, a set verification and an
 * event search: the records they rest on, proven against one signed checkpoint (ledger-prover.ts),
 * the witness's view, the public keys, the claims, and the log key's statement over all of it.
 *
 * A file verification's records are the leaves it used plus the observations its own Box read
 * recorded (once the ledger has appended them), so Box's state in the bundle is backed by the
 * ledger too. Bundles are bounded: at most MAX_BUNDLE_RECORDS records (a set's TAMPERED files come
 * first) and MAX_BUNDLE_EVENTS events; what was left out is said in `limits`.
 */
import { type Ed25519NoteSigner, signNote } from '../../ledger/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { notFound } from '../../platform/errors.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { Requester } from '../audit/audit-client.ts';
import type { EventSearchFilters } from '../event/event-client.ts';
import {
  BUNDLE_FORMAT,
  type BundleKind,
  type BundleRecord,
  bundleDigest,
  type EventSearchSubject,
  type EvidenceBundle,
  statementText,
} from './bundle-format.ts';
import type { PublicKeys } from './ledger-api.ts';
import type { LedgerProver } from './ledger-prover.ts';
import type { LedgerRepository } from './ledger-repository.ts';
import { toClaim, toSetVerificationDto } from './verification-dto.ts';
import type { SetRunRow, StoredVerification, VerificationStore } from './verification-store.ts';

export const MAX_BUNDLE_RECORDS = 50_000;
export const MAX_BUNDLE_EVENTS = 10_000;

export interface BundleBuilder {
  forFile(v: StoredVerification): Promise<EvidenceBundle>;
  forSetRun(run: SetRunRow): Promise<EvidenceBundle>;
  forEvents(user: Requester, filters: EventSearchFilters): Promise<EvidenceBundle>;
}

export function createBundleBuilder(d: {
  db: AnyDb;
  repo: LedgerRepository;
  store: VerificationStore;
  prover: LedgerProver;
  signer: Ed25519NoteSigner;
  publicKeys(): Promise<PublicKeys>;
  clients: Pick<ServiceClients, 'event'>;
  clock: Clock;
}): BundleBuilder {
  /** Leaf indexes of the observations a verification's Box read recorded (those appended so far). */
  async function observationLeaves(orgId: string, v: StoredVerification): Promise<number[]> {
    const ids = v.evidence.box?.observationIds ?? [];
    if (ids.length === 0) return [];
    const log = await d.repo.findLog(d.db, orgId);
    if (!log) return [];
    const found = await d.repo.leavesByRefs(
      d.db,
      log.id,
      ids.map((ref) => ({ kind: 'file_version' as const, ref })),
    );
    return found.map((f) => f.index);
  }

  const leavesOf = async (v: StoredVerification) => [
    ...(v.evidence.ledger?.leaves.map((l) => l.index) ?? []),
    ...(await observationLeaves(v.orgId, v)),
  ];

  async function assemble(
    orgId: string,
    kind: BundleKind,
    indexes: number[],
    subject: EvidenceBundle['subject'],
    limits: EvidenceBundle['limits'],
  ): Promise<EvidenceBundle> {
    const proofs = await d.prover.prove(orgId, indexes);
    const keys = await d.publicKeys();
    const log = await d.repo.findLog(d.db, orgId);
    if (!log) throw notFound('LEDGER_EMPTY');
    let checkpoint = proofs?.checkpoint;
    let witnessed = proofs?.witnessed ?? null;
    if (!checkpoint) {
      // Nothing to prove (e.g. NOT_MONITORED): the bundle still carries the log's latest checkpoint.
      const latest = await d.repo.latestCheckpoint(d.db, log.id);
      if (!latest) throw notFound('LEDGER_EMPTY');
      checkpoint = { treeSize: latest.treeSize, rootHash: latest.root.toString('base64'), note: latest.note };
      witnessed = null;
    }
    const records: BundleRecord[] = (proofs?.leaves ?? []).map((l) => ({
      index: l.index,
      kind: l.kind,
      leafHash: l.leafHash,
      data: l.data,
      proof: l.proof,
    }));
    const content: Omit<EvidenceBundle, 'statement'> = {
      format: BUNDLE_FORMAT,
      kind,
      createdAt: d.clock.now().toISOString(),
      log: { origin: log.origin, logKey: keys.log, witnessKey: keys.witness },
      checkpoint,
      witnessed,
      records,
      subject,
      limits,
    };
    const digest = bundleDigest(content as unknown as Record<string, unknown>);
    return { ...content, statement: signNote(statementText(log.origin, digest), [d.signer]) };
  }

  return {
    async forFile(v) {
      return assemble(
        v.orgId,
        'file-verification',
        await leavesOf(v),
        { verification: toClaim(v) },
        {
          maxRecords: MAX_BUNDLE_RECORDS,
          omittedRecords: 0,
          note: null,
        },
      );
    },

    async forSetRun(run) {
      const all: StoredVerification[] = [];
      for (let after = 0; ; ) {
        const page = await d.store.ofRun(d.db, run.id, after, 1000);
        all.push(...page);
        if (page.length < 1000) break;
        after = page[page.length - 1]!.seq;
      }
      // TAMPERED first: if the bundle must be cut, the findings stay in it.
      const ordered = [
        ...all.filter((v) => v.result === 'TAMPERED'),
        ...all.filter((v) => v.result !== 'TAMPERED'),
      ];
      const indexes = new Set<number>();
      const included: StoredVerification[] = [];
      let omitted = 0;
      for (const v of ordered) {
        const leaves = await leavesOf(v);
        const fresh = leaves.filter((i) => !indexes.has(i));
        if (indexes.size + fresh.length > MAX_BUNDLE_RECORDS) {
          omitted += fresh.length;
          continue;
        }
        for (const i of fresh) indexes.add(i);
        included.push(v);
      }
      const { tampered: _t, ...summary } = toSetVerificationDto(run, []);
      return assemble(
        run.orgId,
        'set-verification',
        [...indexes],
        { run: summary, verifications: included.map(toClaim) },
        {
          maxRecords: MAX_BUNDLE_RECORDS,
          omittedRecords: omitted,
          note:
            omitted > 0
              ? `${all.length - included.length} file verification(s) and their ${omitted} record(s) were left out to keep the bundle under ${MAX_BUNDLE_RECORDS} records; download them one by one.`
              : null,
        },
      );
    },

    async forEvents(user, filters) {
      const found = await d.clients.event().searchEvents(user, filters, MAX_BUNDLE_EVENTS);
      const log = await d.repo.findLog(d.db, user.orgId);
      const indexOf = new Map<string, number>();
      if (log) {
        for (let i = 0; i < found.events.length; i += 1000) {
          const chunk = found.events
            .slice(i, i + 1000)
            .map((e) => ({ kind: 'box_event' as const, ref: e.eventId }));
          for (const leaf of await d.repo.leavesByRefs(d.db, log.id, chunk))
            indexOf.set(leaf.ref, leaf.index);
        }
      }
      const subject: EventSearchSubject = {
        query: {
          from: found.from,
          to: found.to,
          actor: filters.actor ?? null,
          type: filters.type ?? null,
          item: filters.item ?? null,
          folder: filters.folder ?? null,
          auditSet: filters.auditSet ?? null,
          order: filters.order,
        },
        events: found.events.map((e) => ({ ...e, leafIndex: indexOf.get(e.eventId) ?? null })),
        truncated: found.truncated,
        maxEvents: MAX_BUNDLE_EVENTS,
      };
      const unrecorded = subject.events.filter((e) => e.leafIndex === null).length;
      const notes = [
        found.truncated
          ? `More than ${MAX_BUNDLE_EVENTS} events matched; only the first ${MAX_BUNDLE_EVENTS} are in this bundle.`
          : null,
        unrecorded > 0 ? `${unrecorded} event(s) are not in the ledger yet and have no proof.` : null,
      ].filter((x) => x !== null);
      return assemble(user.orgId, 'event-search', [...indexOf.values()], subject, {
        maxRecords: MAX_BUNDLE_EVENTS,
        omittedRecords: 0,
        note: notes.length > 0 ? notes.join(' ') : null,
      });
    },
  };
}
