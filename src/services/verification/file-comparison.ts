/**
 * The comparison at the heart of file verification (product.md F6.4), pure: Box's current state
 * and full version list against the ledger's `file_version` records and the recorded Box events,
 * given the ingestion watermark. The verifier (file-verifier.ts) decides NOT_MONITORED, DELETED and
 * UNVERIFIABLE before this runs; this decides between INTACT, CHANGED, TAMPERED and PENDING.
 *
 * For every version Box shows (the current one and every past one):
 *  - recorded (any source) with another SHA-1 than the first record of that version id
 *    → TAMPERED `VERSION_HASH_CHANGED` (a version's bytes never change in Box);
 *  - recorded by a baseline or enrichment → accounted; `VERSION_ADDED` (CHANGED) if not in the
 *    reference snapshot (the earliest baseline, or the set's baseline when verified for a set);
 *  - else accounted by a recorded event naming it (UPLOAD, EDIT, FILE_VERSION_RESTORE, COPY with its
 *    version_id; an event's SHA-1 must match too) or, for events without a version id, one such event
 *    within two minutes of the version's time → `VERSION_ADDED`; an event not yet in the ledger
 *    → PENDING `EVENT_NOT_IN_LEDGER_YET`;
 *  - else, if the version is newer than the watermark (or no watermark exists) → PENDING
 *    `VERSION_NEWER_THAN_WATERMARK` (re-checked when the watermark passes it), never TAMPERED;
 *  - else → TAMPERED `CONTENT_NOT_RECORDED`.
 *  - A version in Box's trash → CHANGED `VERSION_TRASHED` (with its DELETE event when recorded).
 * For every recorded version Box no longer lists:
 *  - a recorded DELETE event naming the version → CHANGED `VERSION_DELETED`;
 *  - else the disappearance happened before Box was read; once the watermark is past that read (or
 *    past the first read that already missed it, for re-checks) → TAMPERED `VERSION_REMOVED`, before
 *    → PENDING `VERSION_REMOVAL_AWAITING_EVENTS`.
 * And the current version must be the newest: a past version with a higher version number than the
 * current one means an old version was made current again without a new version, which Box never
 * does (promoting a version creates a new one) → TAMPERED `CURRENT_VERSION_ROLLED_BACK`, unless a
 * recorded FILE_VERSION_RESTORE names the current version.
 *
 * Outcome: TAMPERED if any reason says so, else PENDING, else CHANGED, else INTACT.
 */
import type {
  BoxFileState,
  BoxVersionState,
  FileEventFact,
  RecordedVersion,
  VerificationReason,
  VerificationResult,
} from './verification-types.ts';

/** Events that bring a new version into being, naming it in additional_details.version_id. */
export const VERSION_EVENT_TYPES = ['UPLOAD', 'EDIT', 'FILE_VERSION_RESTORE', 'COPY'] as const;
/** Every event type verification reads about a file. */
export const FILE_EVENT_TYPES = [...VERSION_EVENT_TYPES, 'DELETE', 'UNDELETE'] as const;
/** How far an event without a version id may be from a version's time and still account for it. */
export const LOOSE_EVENT_MATCH_MS = 120_000;

export interface ComparisonInput {
  box: BoxFileState;
  /** Per version id, its first `file_version` leaf from any source. */
  firstAny: ReadonlyMap<string, RecordedVersion>;
  /** Per version id, its first leaf from a recording source (baseline, enrichment). */
  firstRecording: ReadonlyMap<string, RecordedVersion>;
  /** Version ids of the reference snapshot (CHANGED means: Box differs from it). */
  reference: ReadonlySet<string>;
  events: readonly FileEventFact[];
  /** Events created up to this time are known to be stored (null: ingestion never caught up). */
  watermark: Date | null;
  /**
   * For re-checks: since when a condition that depends on the watermark was already seen
   * (`VERSION_REMOVED:<versionId>` → ISO time of the first read that missed the version).
   */
  seenSince?: Readonly<Record<string, string>>;
}

export interface ComparisonOutcome {
  result: Extract<VerificationResult, 'INTACT' | 'CHANGED' | 'TAMPERED' | 'PENDING'>;
  reasons: VerificationReason[];
  /** PENDING: the watermark the re-check waits for (null: retry soon, nothing to wait for). */
  pendingUntil: Date | null;
  /** Leaf indexes and event ids the decision rests on (the evidence to prove). */
  usedLeaves: number[];
  usedEvents: string[];
  /** Conditions now known and since when (fed back as `seenSince` on the re-check). */
  seenSince: Record<string, string>;
}

const time = (s: string | null | undefined): number | null => {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
};

const versionNumber = (v: BoxVersionState): number | null => {
  if (v.versionNumber === null) return null;
  const n = Number(v.versionNumber);
  return Number.isFinite(n) ? n : null;
};

export function compareFile(input: ComparisonInput): ComparisonOutcome {
  const { box, firstAny, firstRecording, reference, events, watermark } = input;
  const reasons: VerificationReason[] = [];
  const usedLeaves = new Set<number>();
  const usedEvents = new Set<string>();
  const seenSince: Record<string, string> = {};
  let pendingUntil: number | null = null;
  let pendingSoon = false;
  const wm = watermark?.getTime() ?? null;
  const observedAt = time(box.observedAt) ?? 0;

  const add = (r: VerificationReason) => {
    reasons.push(r);
    if (r.leafIndex !== undefined && r.leafIndex !== null) usedLeaves.add(r.leafIndex);
    if (r.eventId) usedEvents.add(r.eventId);
  };
  const waitFor = (t: number | null) => {
    if (t === null) pendingSoon = true;
    else pendingUntil = Math.max(pendingUntil ?? t, t);
  };
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

  const looseUsed = new Set<string>();
  /** The recorded event that brought version `v` into being, if any. */
  function creatingEvent(v: BoxVersionState, at: number | null): FileEventFact | undefined {
    const exact = events.find(
      (e) => e.versionId === v.versionId && (VERSION_EVENT_TYPES as readonly string[]).includes(e.type),
    );
    if (exact) return exact;
    if (at === null) return undefined;
    const loose = events.find(
      (e) =>
        e.versionId === null &&
        e.type !== 'COPY' &&
        (VERSION_EVENT_TYPES as readonly string[]).includes(e.type) &&
        !looseUsed.has(e.eventId) &&
        Math.abs((time(e.createdAt) ?? 0) - at) <= LOOSE_EVENT_MATCH_MS,
    );
    if (loose) looseUsed.add(loose.eventId);
    return loose;
  }
  const versionDeletion = (versionId: string) =>
    events.find((e) => e.type === 'DELETE' && e.versionId === versionId);

  // Box's versions against the records.
  const listed = new Set<string>();
  for (const v of box.versions) {
    listed.add(v.versionId);
    const first = firstAny.get(v.versionId);
    const at = time(v.createdAt);
    if (first && first.sha1 !== v.sha1) {
      add({
        code: 'VERSION_HASH_CHANGED',
        outcome: 'TAMPERED',
        message: `Box shows version ${v.versionId} with SHA-1 ${v.sha1}, but the ledger recorded ${first.sha1} for it (leaf ${first.leafIndex}).`,
        versionId: v.versionId,
        leafIndex: first.leafIndex,
        recordedSha1: first.sha1,
        boxSha1: v.sha1,
        at: first.observedAt,
      });
      continue;
    }
    const recording = firstRecording.get(v.versionId);
    if (recording) {
      usedLeaves.add(recording.leafIndex);
      if (!reference.has(v.versionId))
        add({
          code: 'VERSION_ADDED',
          outcome: 'CHANGED',
          message: `Version ${v.versionId} was added after the reference and recorded (leaf ${recording.leafIndex}, ${recording.source}).`,
          versionId: v.versionId,
          leafIndex: recording.leafIndex,
          boxSha1: v.sha1,
          at: v.createdAt,
        });
    } else {
      const event = creatingEvent(v, at);
      if (event?.sha1 && event.sha1 !== v.sha1) {
        add({
          code: 'VERSION_HASH_CHANGED',
          outcome: 'TAMPERED',
          message: `Box shows version ${v.versionId} with SHA-1 ${v.sha1}, but the recorded ${event.type} event ${event.eventId} says ${event.sha1}.`,
          versionId: v.versionId,
          eventId: event.eventId,
          leafIndex: event.leafIndex,
          recordedSha1: event.sha1,
          boxSha1: v.sha1,
          at: event.createdAt,
        });
        continue;
      }
      if (event && event.leafIndex === null) {
        waitFor(null);
        add({
          code: 'EVENT_NOT_IN_LEDGER_YET',
          outcome: 'PENDING',
          message: `Version ${v.versionId} is accounted for by event ${event.eventId}, which the ledger has not appended yet.`,
          versionId: v.versionId,
          eventId: event.eventId,
          at: event.createdAt,
        });
      } else if (event) {
        add({
          code: 'VERSION_ADDED',
          outcome: 'CHANGED',
          message: `Version ${v.versionId} was added by the recorded ${event.type} event ${event.eventId}.`,
          versionId: v.versionId,
          eventId: event.eventId,
          leafIndex: event.leafIndex,
          boxSha1: v.sha1,
          at: event.createdAt,
        });
        if (first) usedLeaves.add(first.leafIndex);
      } else {
        // Unknown time: it existed when Box was read, no later.
        const since = at ?? observedAt;
        if (wm === null || since > wm) {
          waitFor(since);
          add({
            code: wm === null ? 'INGESTION_NOT_STARTED' : 'VERSION_NEWER_THAN_WATERMARK',
            outcome: 'PENDING',
            message:
              wm === null
                ? `Version ${v.versionId} is not recorded, and event ingestion has not caught up yet.`
                : `Version ${v.versionId} (${iso(since)}) is newer than the ingestion watermark (${iso(wm)}); it is checked again once ingestion passes it.`,
            versionId: v.versionId,
            boxSha1: v.sha1,
            at: iso(since),
          });
        } else {
          add({
            code: 'CONTENT_NOT_RECORDED',
            outcome: 'TAMPERED',
            message: `Box shows version ${v.versionId} (SHA-1 ${v.sha1}) that was never recorded, and no recorded event accounts for it although ingestion has caught up past it.`,
            versionId: v.versionId,
            boxSha1: v.sha1,
            at: iso(since),
          });
        }
      }
    }
    if (v.trashedAt) {
      const deletion = versionDeletion(v.versionId);
      add({
        code: 'VERSION_TRASHED',
        outcome: 'CHANGED',
        message: deletion
          ? `Version ${v.versionId} was moved to the trash (recorded event ${deletion.eventId}).`
          : `Version ${v.versionId} is in Box's trash; no recorded event says so yet.`,
        versionId: v.versionId,
        eventId: deletion?.eventId ?? null,
        leafIndex: deletion?.leafIndex ?? null,
        at: v.trashedAt,
      });
    }
  }

  // Recorded versions Box no longer lists.
  for (const [versionId, recorded] of firstAny) {
    if (listed.has(versionId)) continue;
    usedLeaves.add(recorded.leafIndex);
    const deletion = versionDeletion(versionId);
    if (deletion && deletion.leafIndex !== null) {
      add({
        code: 'VERSION_DELETED',
        outcome: 'CHANGED',
        message: `Recorded version ${versionId} is gone; the recorded DELETE event ${deletion.eventId} removed it.`,
        versionId,
        leafIndex: recorded.leafIndex,
        eventId: deletion.eventId,
        recordedSha1: recorded.sha1,
        at: deletion.createdAt,
      });
      continue;
    }
    if (deletion) {
      waitFor(null);
      add({
        code: 'EVENT_NOT_IN_LEDGER_YET',
        outcome: 'PENDING',
        message: `Recorded version ${versionId} is gone; DELETE event ${deletion.eventId} accounts for it but is not in the ledger yet.`,
        versionId,
        leafIndex: recorded.leafIndex,
        eventId: deletion.eventId,
        at: deletion.createdAt,
      });
      continue;
    }
    const key = `VERSION_REMOVED:${versionId}`;
    const since = Math.min(time(input.seenSince?.[key]) ?? observedAt, observedAt);
    seenSince[key] = new Date(since).toISOString();
    if (wm !== null && wm >= since) {
      add({
        code: 'VERSION_REMOVED',
        outcome: 'TAMPERED',
        message: `Recorded version ${versionId} (SHA-1 ${recorded.sha1}, leaf ${recorded.leafIndex}) is gone from Box, and no recorded event deleted it although ingestion has caught up past ${new Date(since).toISOString()}.`,
        versionId,
        leafIndex: recorded.leafIndex,
        recordedSha1: recorded.sha1,
        at: new Date(since).toISOString(),
      });
    } else {
      waitFor(since);
      add({
        code: 'VERSION_REMOVAL_AWAITING_EVENTS',
        outcome: 'PENDING',
        message: `Recorded version ${versionId} is gone from Box; the events up to ${new Date(since).toISOString()} must be ingested before this is judged.`,
        versionId,
        leafIndex: recorded.leafIndex,
        recordedSha1: recorded.sha1,
        at: new Date(since).toISOString(),
      });
    }
  }

  // The current version must be the newest one Box holds.
  const current = box.versions.find((v) => v.current);
  const currentNumber = current ? versionNumber(current) : null;
  if (current && currentNumber !== null) {
    const newer = box.versions.find((v) => !v.current && (versionNumber(v) ?? -1) > currentNumber);
    const restored = events.find(
      (e) => e.type === 'FILE_VERSION_RESTORE' && e.versionId === current.versionId,
    );
    if (newer && !restored) {
      add({
        code: 'CURRENT_VERSION_ROLLED_BACK',
        outcome: 'TAMPERED',
        message: `The current version ${current.versionId} (number ${current.versionNumber}) is older than version ${newer.versionId} (number ${newer.versionNumber}): an old version was made current without a new version or a recorded event.`,
        versionId: current.versionId,
        leafIndex: firstAny.get(current.versionId)?.leafIndex ?? null,
        boxSha1: current.sha1,
      });
    }
  }

  const has = (o: VerificationResult) => reasons.some((r) => r.outcome === o);
  const result: ComparisonOutcome['result'] = has('TAMPERED')
    ? 'TAMPERED'
    : has('PENDING')
      ? 'PENDING'
      : has('CHANGED')
        ? 'CHANGED'
        : 'INTACT';
  if (result === 'INTACT')
    reasons.push({
      code: 'MATCHES_RECORDS',
      outcome: 'INTACT',
      message: `All ${box.versions.length} version(s) Box shows match the ledger's records, and every recorded version is still there.`,
    });
  return {
    result,
    reasons,
    pendingUntil:
      result === 'PENDING' && !pendingSoon && pendingUntil !== null ? new Date(pendingUntil) : null,
    usedLeaves: [...usedLeaves].sort((a, b) => a - b),
    usedEvents: [...usedEvents],
    seenSince,
  };
}
