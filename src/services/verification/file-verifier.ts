/**
 * Verifying one file (product.md F6.4): who may ask, what is read, in which order the outcomes are
 * decided, and what is kept and announced.
 *
 *  1. The file's basics and ancestry from the file service (catalogue, else Box as its owner); a
 *     requester must be allowed to see it by the audit service (`access`), else 404.
 *  2. NOT_MONITORED when no live audit set's rules allow it and the ledger holds no baseline of it
 *     (decided before Box is read: nothing is recorded for files nobody monitors).
 *  3. The ingestion watermark from the event service (UNVERIFIABLE when it cannot be read).
 *  4. Box, now: `observeFile` as the owner, source `verification` — which also records what it saw,
 *     so Box's state at this moment becomes `file_version` leaves too. A Box failure → UNVERIFIABLE.
 *  5. Trashed or deleted in Box → DELETED, with the recorded DELETE event when there is one.
 *  6. The ledger's records of the file (recorded-versions.ts) and the recorded events about it; no
 *     version recorded by a baseline or enrichment yet → PENDING (BASELINE_PENDING).
 *  7. The comparison (file-comparison.ts): INTACT, CHANGED, TAMPERED or PENDING.
 *  8. Evidence: the leaves used, proven against a signed checkpoint (ledger-prover.ts). A ledger
 *     that cannot be read or does not agree with itself → UNVERIFIABLE, never TAMPERED.
 *  9. Kept as history with its evidence, announced as `verification.completed`; TAMPERED also
 *     counts `auditor_tamper_detected_total`, is logged at error level and announced as
 *     `verification.tamper_detected` to the owners and co-owners of every set monitoring the file
 *     (once per distinct finding). PENDING and UNVERIFIABLE results are re-checked (recheck-job.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb, Database } from '../../platform/db/database.ts';
import { AppError, isAppError, notFound } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Publish } from '../../platform/messaging/outbox.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import type { MonitoringSet, Requester } from '../audit/audit-client.ts';
import type { IngestionWatermark } from '../event/event-client.ts';
import type { FileObservation, ItemInfo } from '../file/file-client.ts';
import { compareFile, FILE_EVENT_TYPES } from './file-comparison.ts';
import { hasBaseline } from './file-version-index.ts';
import type { LedgerProver } from './ledger-prover.ts';
import type { LeafRow, LedgerRepository } from './ledger-repository.ts';
import type { LogDirectory } from './log-directory.ts';
import { type FileRecords, readFileRecords } from './recorded-versions.ts';
import type {
  StoredVerification,
  VerificationEvidence,
  VerificationStore,
  VerificationTrigger,
} from './verification-store.ts';
import type {
  BoxFileState,
  FileEventFact,
  IngestionState,
  VerificationReason,
  VerificationResult,
} from './verification-types.ts';

export interface VerifyRequest {
  orgId: string;
  fileId: string;
  /** The signed-in user asking (checked for access), or null for the system (CLI, schedule, re-checks). */
  requester: Requester | null;
  /** Verify as part of this set (its baseline is the reference; a requester must see the file through it). */
  setId?: string | null;
  trigger: VerificationTrigger;
  setVerificationId?: string | null;
  /** The PENDING or UNVERIFIABLE result this re-checks. */
  recheckOf?: StoredVerification | null;
  /** Already resolved by the caller (a set verification lists files with their ancestry). */
  info?: ItemInfo | null;
}

export interface FileVerifier {
  verify(request: VerifyRequest): Promise<StoredVerification>;
  /** The file as the requester may see it, or 404 (the routes' check for reading results). */
  authorize(
    requester: Requester,
    orgId: string,
    fileId: string,
    setId?: string | null,
  ): Promise<ItemInfo | null>;
}

/** A re-check of PENDING comes after this at the earliest; UNVERIFIABLE backs off from it. */
export const RECHECK_DELAY_MS = 5_000;
export const UNVERIFIABLE_RETRIES = 6;

const UNVERIFIABLE_BACKOFF_MS = 30_000;
/** A watermark read this recently is good enough (it only ever moves forward). */
const WATERMARK_TTL_MS = 1000;

type Decision = {
  result: VerificationResult;
  reasons: VerificationReason[];
  evidence: Omit<VerificationEvidence, 'ledger'>;
  leaves: number[];
  /** Leaf rows already read (the prover reuses them). */
  known?: ReadonlyMap<number, LeafRow>;
};

function boxStateOf(o: FileObservation, readAs: string | null): BoxFileState {
  const f = o.file;
  const current = f?.versionId
    ? [
        {
          versionId: f.versionId,
          sha1: f.sha1,
          size: f.size,
          versionNumber: f.versionNumber,
          // The current version's creation is not listed by Box; its file's modification bounds it.
          createdAt: latest(f.modifiedAt, f.contentModifiedAt),
          trashedAt: null,
          current: true,
        },
      ]
    : [];
  return {
    readAs,
    observedAt: o.observedAt,
    status: o.status,
    name: f?.name ?? null,
    versions: [
      ...current,
      ...o.versions
        .filter((v) => v.id && v.id !== f?.versionId)
        .map((v) => ({
          versionId: v.id,
          sha1: v.sha1,
          size: v.size,
          versionNumber: v.versionNumber,
          createdAt: v.createdAt ?? v.modifiedAt,
          trashedAt: v.trashedAt,
          current: false,
        })),
    ],
    observationIds: o.recorded.map((r) => r.observationId),
  };
}

function latest(a: string | null, b: string | null): string | null {
  const ta = a ? Date.parse(a) : Number.NaN;
  const tb = b ? Date.parse(b) : Number.NaN;
  if (Number.isNaN(ta)) return Number.isNaN(tb) ? null : new Date(tb).toISOString();
  if (Number.isNaN(tb)) return new Date(ta).toISOString();
  return new Date(Math.max(ta, tb)).toISOString();
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);

const reason = (
  code: VerificationReason['code'],
  outcome: VerificationResult,
  message: string,
  extra: Partial<VerificationReason> = {},
): VerificationReason => ({ code, outcome, message, ...extra });

const emptyEvidence = (): Omit<VerificationEvidence, 'ledger'> => ({
  box: null,
  ingestion: null,
  reference: null,
  recorded: [],
  events: [],
  pendingUntil: null,
  seenSince: {},
  error: null,
});

export function createFileVerifier(d: {
  database: Database;
  repo: LedgerRepository;
  logs: LogDirectory;
  prover: LedgerProver;
  store: VerificationStore;
  clients: Pick<ServiceClients, 'file' | 'audit' | 'event'>;
  publish: Publish;
  clock: Clock;
  log: Logger;
  metrics: Pick<Metrics, 'verifications' | 'tamperDetected'>;
  eventDelayMs: number;
}): FileVerifier {
  const db: AnyDb = d.database.db;

  async function fileInfo(orgId: string, fileId: string): Promise<ItemInfo | null> {
    const [info] = await d.clients.file().items(orgId, [{ itemId: fileId, itemType: 'file' }]);
    return info ?? null;
  }

  /** The file's basics, or the Box failure that kept us from them. */
  async function lookup(orgId: string, fileId: string): Promise<{ info: ItemInfo | null; error: unknown }> {
    try {
      return { info: await fileInfo(orgId, fileId), error: null };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { info: null, error: err };
    }
  }

  async function authorized(
    requester: Requester,
    orgId: string,
    fileId: string,
    setId?: string | null,
  ): Promise<{ info: ItemInfo | null; error: unknown }> {
    const admin = requester.roles.includes('AUDIT_ADMIN');
    const found = await lookup(orgId, fileId);
    // Without the file's place nobody but an audit admin can be authorised.
    if (found.error && (!admin || setId)) throw found.error;
    if (!found.info) {
      if (admin && !setId) return found;
      throw notFound('FILE_NOT_FOUND');
    }
    const decision = await d.clients
      .audit()
      .access(
        requester,
        { itemId: fileId, itemType: 'file', ancestorIds: found.info.ancestorIds },
        setId ? { setId } : undefined,
      );
    if (!decision.allowed) throw notFound('FILE_NOT_FOUND');
    return found;
  }

  /**
   * Within a set verification, the watermark read in the last second serves every file (it only
   * moves forward, so an older one can only make a result more cautious); a single verification
   * or a re-check always reads it fresh.
   */
  const watermarks = new Map<string, { at: number; value: Promise<IngestionWatermark | null> }>();
  async function ingestion(orgId: string, run: string | null): Promise<IngestionState> {
    let w: IngestionWatermark | null;
    if (run) {
      const key = `${run}/${orgId}`;
      let cached = watermarks.get(key);
      if (!cached || Date.now() - cached.at > WATERMARK_TTL_MS) {
        if (watermarks.size > 100) watermarks.clear();
        cached = { at: Date.now(), value: d.clients.event().watermark(orgId) };
        watermarks.set(key, cached);
        cached.value.catch(() => watermarks.delete(key));
      }
      w = await cached.value;
    } else w = await d.clients.event().watermark(orgId);
    const caught = w?.caughtUpAt ? Date.parse(w.caughtUpAt) : null;
    return {
      caughtUpAt: w?.caughtUpAt ?? null,
      watermark: caught === null ? null : new Date(caught - d.eventDelayMs).toISOString(),
      delayMs: d.eventDelayMs,
    };
  }

  /** Recorded events about the file, with where the ledger holds each. */
  async function fileEvents(orgId: string, fileId: string): Promise<FileEventFact[]> {
    const stored = await d.clients
      .event()
      .itemEvents(orgId, fileId, { types: [...FILE_EVENT_TYPES], limit: 1000 });
    if (stored.length === 0) return [];
    const log = await d.logs.find(orgId);
    const leaves = log
      ? await d.repo.leavesByRefs(
          db,
          log.id,
          stored.map((e) => ({ kind: 'box_event' as const, ref: e.eventId })),
        )
      : [];
    const indexOf = new Map(leaves.map((l) => [l.ref, l.index]));
    return stored.map((e) => {
      const details = (e.additionalDetails ?? {}) as Record<string, unknown>;
      return {
        eventId: e.eventId,
        type: e.type,
        createdAt: e.createdAt,
        versionId: str(details.version_id),
        sha1: str(details.sha1)?.toLowerCase() ?? null,
        leafIndex: indexOf.get(e.eventId) ?? null,
      };
    });
  }

  async function decide(r: VerifyRequest, info: ItemInfo | null, monitored: boolean): Promise<Decision> {
    const evidence = emptyEvidence();
    const unverifiable = (code: VerificationReason['code'], message: string, err?: unknown): Decision => {
      evidence.error = err ? String((err as Error).message ?? err).slice(0, 500) : message;
      return {
        result: 'UNVERIFIABLE',
        reasons: [reason(code, 'UNVERIFIABLE', message)],
        evidence,
        leaves: [],
      };
    };

    // What does not depend on Box is read while Box is: the ledger's records, the events, the
    // watermark (each outcome settled, so a failure is reported in the order below, never lost).
    const settle = <T>(p: Promise<T>) =>
      p.then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    const readAs = info?.ownerId ?? null;
    const ingestionRead = settle(ingestion(r.orgId, r.setVerificationId ?? null));
    const eventsRead = settle(fileEvents(r.orgId, r.fileId));
    const recordsRead = settle(
      readFileRecords({ db, repo: d.repo, logs: d.logs }, r.orgId, r.fileId, { setId: r.setId ?? null }),
    );
    const boxRead = settle(
      d.clients.file().observeFile(r.orgId, r.fileId, { asUser: readAs, source: 'verification' }),
    );
    const [ingested, observed, eventsFound, recordsFound] = await Promise.all([
      ingestionRead,
      boxRead,
      eventsRead,
      recordsRead,
    ]);

    if (!ingested.ok)
      return unverifiable('EVENTS_UNAVAILABLE', 'The ingestion state could not be read.', ingested.error);
    evidence.ingestion = ingested.value;
    if (!observed.ok) {
      const err = observed.error;
      const denied = isAppError(err) && (err.code === 'BOX_ACCESS_DENIED' || err.status === 403);
      return denied
        ? unverifiable('BOX_ACCESS_DENIED', 'Box refused to show the file to the account reading it.', err)
        : unverifiable('BOX_UNAVAILABLE', 'Box could not be read; the verification is retried.', err);
    }
    const box = boxStateOf(observed.value, readAs);
    evidence.box = box;
    if (!eventsFound.ok)
      return unverifiable(
        'EVENTS_UNAVAILABLE',
        'The recorded events about the file could not be read.',
        eventsFound.error,
      );
    const events: FileEventFact[] = eventsFound.value;
    if (!recordsFound.ok) {
      d.log.error(
        { org: r.orgId, file: r.fileId, err: (recordsFound.error as Error).message },
        'the ledger could not be read',
      );
      return unverifiable(
        'LEDGER_UNREADABLE',
        'The ledger could not be read or does not agree with itself.',
        recordsFound.error,
      );
    }
    const records: FileRecords = recordsFound.value;
    evidence.reference = records.reference;

    if (box.status !== 'active') {
      if (box.status === 'not_found' && !readAs)
        return unverifiable(
          'BOX_ACCESS_DENIED',
          'Box does not show the file to the service account, and its owner is unknown.',
        );
      const deletion = events.find((e) => e.type === 'DELETE' && e.versionId === null);
      evidence.events = deletion ? [deletion] : [];
      const trashed = box.status === 'trashed';
      return {
        result: 'DELETED',
        reasons: [
          reason(
            trashed ? 'FILE_TRASHED' : 'FILE_DELETED',
            'DELETED',
            `${trashed ? 'The file is in the trash' : 'The file no longer exists'} in Box${deletion ? ` (recorded event ${deletion.eventId})` : '; no recorded event says so'}.`,
            {
              eventId: deletion?.eventId ?? null,
              leafIndex: deletion?.leafIndex ?? null,
              at: deletion?.createdAt ?? null,
            },
          ),
        ],
        evidence,
        leaves: deletion?.leafIndex != null ? [deletion.leafIndex] : [],
      };
    }

    if (records.firstRecording.size === 0) {
      evidence.recorded = [...records.firstAny.values()];
      return {
        result: 'PENDING',
        reasons: [
          reason(
            'BASELINE_PENDING',
            'PENDING',
            monitored
              ? 'The file is monitored, but its baseline is not in the ledger yet.'
              : 'No version of the file is recorded in the ledger yet.',
          ),
        ],
        evidence,
        leaves: [],
      };
    }

    const outcome = compareFile({
      box,
      firstAny: records.firstAny,
      firstRecording: records.firstRecording,
      reference: new Set(records.reference?.versionIds ?? []),
      events,
      watermark: evidence.ingestion.watermark ? new Date(evidence.ingestion.watermark) : null,
      seenSince: r.recheckOf?.evidence.seenSince ?? {},
    });
    const used = new Set(outcome.usedLeaves);
    evidence.recorded = [
      ...new Map(
        [...records.firstAny.values(), ...records.firstRecording.values()]
          .filter((v) => used.has(v.leafIndex))
          .map((v) => [v.leafIndex, v]),
      ).values(),
    ].sort((a, b) => a.leafIndex - b.leafIndex);
    evidence.events = events.filter((e) => outcome.usedEvents.includes(e.eventId));
    evidence.pendingUntil = outcome.pendingUntil?.toISOString() ?? null;
    evidence.seenSince = outcome.seenSince;
    const leaves = [
      ...outcome.usedLeaves,
      ...evidence.events.flatMap((e) => (e.leafIndex === null ? [] : [e.leafIndex])),
      ...(outcome.result === 'CHANGED' || outcome.result === 'INTACT'
        ? (records.reference?.leafIndexes ?? [])
        : []),
    ];
    return { result: outcome.result, reasons: outcome.reasons, evidence, leaves, known: records.leaves };
  }

  function recheckDue(result: VerificationResult, attempts: number, now: Date, waits: boolean): Date | null {
    // PENDING waits for ingestion (the re-check job looks at the watermark first) or, when it waits
    // for nothing in particular, backs off up to five minutes between attempts.
    if (result === 'PENDING')
      return new Date(
        now.getTime() +
          (waits ? RECHECK_DELAY_MS : Math.min(300_000, RECHECK_DELAY_MS * 2 ** Math.min(attempts, 6))),
      );
    if (result === 'UNVERIFIABLE' && attempts < UNVERIFIABLE_RETRIES)
      return new Date(now.getTime() + UNVERIFIABLE_BACKOFF_MS * 2 ** attempts);
    return null;
  }

  async function record(
    r: VerifyRequest,
    info: ItemInfo | null,
    monitoringSets: () => Promise<MonitoringSet[]>,
    decision: Decision,
    startedAt: Date,
  ): Promise<StoredVerification> {
    let ledger: VerificationEvidence['ledger'] = null;
    let { result, reasons } = decision;
    try {
      ledger = await d.prover.prove(r.orgId, decision.leaves, decision.known);
    } catch (err) {
      d.log.error(
        { org: r.orgId, file: r.fileId, err: (err as Error).message },
        'evidence could not be proven',
      );
      result = 'UNVERIFIABLE';
      reasons = [
        reason(
          'LEDGER_UNREADABLE',
          'UNVERIFIABLE',
          'The ledger could not prove the records this verification used.',
        ),
      ];
      decision.evidence.error = (err as Error).message;
    }
    const now = d.clock.now();
    const attempts = r.recheckOf ? r.recheckOf.recheckAttempts + 1 : 0;
    const v: StoredVerification = {
      id: randomUUID(),
      seq: 0,
      orgId: r.orgId,
      fileId: r.fileId,
      fileName: decision.evidence.box?.name ?? info?.name ?? r.recheckOf?.fileName ?? null,
      ancestorIds: info?.ancestorIds ?? r.recheckOf?.ancestorIds ?? null,
      setId: r.setId ?? null,
      setVerificationId: r.setVerificationId ?? null,
      requestedBy: r.requester?.userId ?? r.recheckOf?.requestedBy ?? null,
      trigger: r.trigger,
      result,
      reasons,
      evidence: { ...decision.evidence, ledger },
      startedAt,
      completedAt: now,
      recheckOf: r.recheckOf?.id ?? null,
      supersededBy: null,
      recheckDueAt: recheckDue(
        result,
        result === r.recheckOf?.result ? attempts : 0,
        now,
        decision.evidence.pendingUntil !== null,
      ),
      recheckAttempts: result === r.recheckOf?.result ? attempts : 0,
    };

    let notify = false;
    const sets = result === 'TAMPERED' ? await monitoringSets() : [];
    if (result === 'TAMPERED') {
      const previous = await d.store.previousTampered(db, r.orgId, r.fileId, v.id);
      const key = (rs: VerificationReason[]) =>
        rs
          .filter((x) => x.outcome === 'TAMPERED')
          .map((x) => `${x.code}:${x.versionId ?? ''}`)
          .sort()
          .join('|');
      notify = !previous || key(previous.reasons) !== key(reasons);
    }
    await d.database.transaction(async (trx) => {
      v.seq = await d.store.insert(trx, v);
      if (r.recheckOf) await d.store.supersede(trx, r.recheckOf.id, v.id);
      await d.publish(trx, {
        topic: 'verification.completed',
        key: r.orgId,
        payload: {
          v: 1,
          orgId: r.orgId,
          actorId: r.requester?.userId ?? null,
          verificationId: v.id,
          fileId: r.fileId,
          setId: r.setId ?? null,
          result,
        },
      });
      if (notify) {
        await d.publish(trx, {
          topic: 'verification.tamper_detected',
          key: r.orgId,
          payload: {
            v: 1,
            orgId: r.orgId,
            actorId: r.requester?.userId ?? null,
            verificationId: v.id,
            fileId: r.fileId,
            fileName: v.fileName,
            setIds: sets.map((s) => s.setId),
            notifyUserIds: [...new Set(sets.flatMap((s) => s.notifyUserIds))],
            reasons: reasons.filter((x) => x.outcome === 'TAMPERED').map((x) => x.message),
          },
        });
      }
    });
    d.metrics.verifications.inc({ result });
    if (result === 'TAMPERED') {
      d.metrics.tamperDetected.inc();
      d.log.error(
        {
          org: r.orgId,
          file: r.fileId,
          verification: v.id,
          sets: sets.map((s) => s.setId),
          reasons: reasons.filter((x) => x.outcome === 'TAMPERED').map((x) => x.code),
        },
        'tampering detected',
      );
    }
    return v;
  }

  return {
    authorize: async (requester, orgId, fileId, setId) =>
      (await authorized(requester, orgId, fileId, setId)).info,
    async verify(r) {
      const startedAt = d.clock.now();
      const found = r.requester
        ? await authorized(r.requester, r.orgId, r.fileId, r.setId)
        : r.info
          ? { info: r.info, error: null }
          : await lookup(r.orgId, r.fileId);
      const info = found.info;
      const ancestorIds = info?.ancestorIds ?? r.recheckOf?.ancestorIds ?? [];
      let sets: Promise<MonitoringSet[]> | undefined;
      const monitoringSets = () =>
        (sets ??= d.clients.audit().setsMonitoring(r.orgId, r.fileId, ancestorIds));
      // A set verification lists the files its set allows: those are monitored by definition.
      let monitored = Boolean(r.setVerificationId && r.info);
      if (!monitored) monitored = (await monitoringSets()).length > 0;
      if (!monitored) {
        const log = await d.logs.find(r.orgId);
        monitored = log ? await hasBaseline(db, log.id, r.fileId) : false;
      }
      if (!monitored) {
        // Without the file's place from Box, "no set" may only mean "no ancestry to match rules with".
        const unknownPlace = found.error !== null && !r.recheckOf?.ancestorIds;
        const decision: Decision = {
          result: unknownPlace ? 'UNVERIFIABLE' : 'NOT_MONITORED',
          reasons: [
            unknownPlace
              ? reason(
                  'BOX_UNAVAILABLE',
                  'UNVERIFIABLE',
                  'Box could not be read; the verification is retried.',
                )
              : reason(
                  'NOT_IN_ANY_SET',
                  'NOT_MONITORED',
                  'No audit set monitors this file and the ledger holds no baseline of it.',
                ),
          ],
          evidence: {
            ...emptyEvidence(),
            error: unknownPlace ? String((found.error as Error).message) : null,
          },
          leaves: [],
        };
        return record(r, info, monitoringSets, decision, startedAt);
      }
      return record(r, info, monitoringSets, await decide(r, info, true), startedAt);
    },
  };
}
