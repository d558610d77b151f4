/**
 * Verification history (migration 0004): file verifications with their reasons and evidence, and
 * set verification runs with their progress. Queries only; what to write is decided by the
 * verifiers.
 */
import { sql } from 'kysely';
import type { AnyDb, AnyTrx } from '../../platform/db/database.ts';
import type { LedgerProofs } from './ledger-prover.ts';
import type {
  BoxFileState,
  FileEventFact,
  IngestionState,
  RecordedVersion,
  VerificationReason,
  VerificationResult,
} from './verification-types.ts';

type Db = AnyDb | AnyTrx;

export type VerificationTrigger = 'user' | 'cli' | 'set' | 'schedule' | 'recheck';

export interface VerificationEvidence {
  /** Box's state as read by this verification (null when Box could not be read). */
  box: BoxFileState | null;
  ingestion: IngestionState | null;
  /** What CHANGED is measured against. */
  reference: {
    source: 'set-baseline' | 'baseline' | 'enrichment';
    setId: string | null;
    observedAt: string;
    versionIds: string[];
    leafIndexes: number[];
  } | null;
  /** The recorded versions the decision used (parsed from their leaves). */
  recorded: RecordedVersion[];
  /** The recorded Box events the decision used. */
  events: FileEventFact[];
  /** The leaves used, with inclusion proofs against a signed checkpoint. */
  ledger: LedgerProofs | null;
  /** PENDING: the ingestion watermark the re-check waits for. */
  pendingUntil: string | null;
  /** Conditions that depend on the watermark and since when they were seen (re-checks continue them). */
  seenSince: Record<string, string>;
  /** UNVERIFIABLE: what failed. */
  error: string | null;
}

export interface StoredVerification {
  id: string;
  seq: number;
  orgId: string;
  fileId: string;
  fileName: string | null;
  ancestorIds: string[] | null;
  setId: string | null;
  setVerificationId: string | null;
  requestedBy: string | null;
  trigger: VerificationTrigger;
  result: VerificationResult;
  reasons: VerificationReason[];
  evidence: VerificationEvidence;
  startedAt: Date;
  completedAt: Date;
  recheckOf: string | null;
  supersededBy: string | null;
  recheckDueAt: Date | null;
  recheckAttempts: number;
}

export interface SetRunRow {
  id: string;
  orgId: string;
  setId: string;
  requestedBy: string | null;
  trigger: 'user' | 'cli' | 'schedule';
  status: 'RUNNING' | 'DONE' | 'FAILED' | 'INTERRUPTED';
  total: number | null;
  done: number;
  counts: Partial<Record<VerificationResult, number>>;
  error: string | null;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

interface RawVerification {
  id: string;
  seq: number;
  org_id: string;
  file_id: string;
  file_name: string | null;
  ancestor_ids: string[] | null;
  set_id: string | null;
  set_verification_id: string | null;
  requested_by: string | null;
  trigger: VerificationTrigger;
  result: VerificationResult;
  reasons: VerificationReason[];
  evidence: VerificationEvidence;
  started_at: Date;
  completed_at: Date;
  recheck_of: string | null;
  superseded_by: string | null;
  recheck_due_at: Date | null;
  recheck_attempts: number;
}

const toVerification = (r: RawVerification): StoredVerification => ({
  id: r.id,
  seq: Number(r.seq),
  orgId: r.org_id,
  fileId: r.file_id,
  fileName: r.file_name,
  ancestorIds: r.ancestor_ids,
  setId: r.set_id,
  setVerificationId: r.set_verification_id,
  requestedBy: r.requested_by,
  trigger: r.trigger,
  result: r.result,
  reasons: r.reasons,
  evidence: r.evidence,
  startedAt: r.started_at,
  completedAt: r.completed_at,
  recheckOf: r.recheck_of,
  supersededBy: r.superseded_by,
  recheckDueAt: r.recheck_due_at,
  recheckAttempts: Number(r.recheck_attempts),
});

interface RawRun {
  id: string;
  org_id: string;
  set_id: string;
  requested_by: string | null;
  trigger: SetRunRow['trigger'];
  status: SetRunRow['status'];
  total: number | null;
  done: number;
  counts: SetRunRow['counts'];
  error: string | null;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const toRun = (r: RawRun): SetRunRow => ({
  id: r.id,
  orgId: r.org_id,
  setId: r.set_id,
  requestedBy: r.requested_by,
  trigger: r.trigger,
  status: r.status,
  total: r.total === null ? null : Number(r.total),
  done: Number(r.done),
  counts: r.counts,
  error: r.error,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  finishedAt: r.finished_at,
});

export interface PageKey {
  at: Date;
  id: string;
}

export function createVerificationStore() {
  return {
    /** Inserts a result; returns its sequence number. */
    async insert(trx: AnyTrx, v: Omit<StoredVerification, 'seq' | 'supersededBy'>): Promise<number> {
      const res = await sql<{ seq: number }>`
        insert into ledger.verifications (id, org_id, file_id, file_name, ancestor_ids, set_id, set_verification_id,
          requested_by, trigger, result, reasons, evidence, started_at, completed_at, recheck_of, recheck_due_at,
          recheck_attempts)
        values (${v.id}, ${v.orgId}, ${v.fileId}, ${v.fileName}, ${v.ancestorIds}, ${v.setId}, ${v.setVerificationId},
          ${v.requestedBy}, ${v.trigger}, ${v.result}, ${JSON.stringify(v.reasons)}::jsonb,
          ${JSON.stringify(v.evidence)}::jsonb, ${v.startedAt}, ${v.completedAt}, ${v.recheckOf}, ${v.recheckDueAt},
          ${v.recheckAttempts})
        returning seq`.execute(trx);
      return Number(res.rows[0]!.seq);
    },

    async supersede(trx: AnyTrx, id: string, by: string): Promise<void> {
      await sql`update ledger.verifications set superseded_by = ${by}, recheck_due_at = null
                where id = ${id} and superseded_by is null`.execute(trx);
    },

    async get(db: Db, id: string): Promise<StoredVerification | undefined> {
      const res = await sql<RawVerification>`select * from ledger.verifications where id = ${id}`.execute(db);
      return res.rows[0] && toVerification(res.rows[0]);
    },

    /** A file's verifications, newest first (keyset on started_at, id). */
    async ofFile(
      db: Db,
      orgId: string,
      fileId: string,
      page: { limit: number; after?: PageKey | undefined; before?: PageKey | undefined },
    ): Promise<StoredVerification[]> {
      const { cond, dir } = newestFirst(page);
      const res = await sql<RawVerification>`
        select * from ledger.verifications where org_id = ${orgId} and file_id = ${fileId} ${cond}
        order by started_at ${dir}, id ${dir} limit ${page.limit + 1}`.execute(db);
      return res.rows.map(toVerification);
    },

    /** The latest TAMPERED result of a file before `before` (to notify once per distinct finding). */
    async previousTampered(db: Db, orgId: string, fileId: string, beforeId: string) {
      const res = await sql<RawVerification>`
        select * from ledger.verifications
        where org_id = ${orgId} and file_id = ${fileId} and result = 'TAMPERED' and id <> ${beforeId}
        order by completed_at desc limit 1`.execute(db);
      return res.rows[0] && toVerification(res.rows[0]);
    },

    /** Results waiting for a re-check whose time has come. */
    async dueRechecks(db: Db, now: Date, limit: number): Promise<StoredVerification[]> {
      const res = await sql<RawVerification>`
        select * from ledger.verifications
        where superseded_by is null and recheck_due_at is not null and recheck_due_at <= ${now}
        order by recheck_due_at limit ${limit}`.execute(db);
      return res.rows.map(toVerification);
    },

    async postponeRecheck(db: Db, id: string, dueAt: Date | null): Promise<void> {
      await sql`update ledger.verifications set recheck_due_at = ${dueAt} where id = ${id}`.execute(db);
    },

    /** File results of a set run after `afterSeq`, in completion order. */
    async ofRun(
      db: Db,
      runId: string,
      afterSeq: number,
      limit: number,
      result?: VerificationResult,
    ): Promise<StoredVerification[]> {
      const res = await sql<RawVerification>`
        select * from ledger.verifications where set_verification_id = ${runId} and seq > ${afterSeq}
          and (${result ?? null}::text is null or result = ${result ?? null})
        order by seq limit ${limit}`.execute(db);
      return res.rows.map(toVerification);
    },

    async tamperedOfRun(db: Db, runId: string, limit: number): Promise<StoredVerification[]> {
      const res = await sql<RawVerification>`
        select * from ledger.verifications where set_verification_id = ${runId} and result = 'TAMPERED'
        order by seq limit ${limit}`.execute(db);
      return res.rows.map(toVerification);
    },

    async insertRun(db: Db, run: Omit<SetRunRow, 'done' | 'counts' | 'error' | 'finishedAt'>): Promise<void> {
      await sql`
        insert into ledger.set_verifications (id, org_id, set_id, requested_by, trigger, status, total, started_at, updated_at)
        values (${run.id}, ${run.orgId}, ${run.setId}, ${run.requestedBy}, ${run.trigger}, ${run.status}, ${run.total},
                ${run.startedAt}, ${run.updatedAt})`.execute(db);
    },

    async updateRun(
      db: Db,
      id: string,
      patch: Partial<Pick<SetRunRow, 'status' | 'total' | 'done' | 'counts' | 'error' | 'finishedAt'>> & {
        updatedAt: Date;
      },
    ): Promise<void> {
      await sql`
        update ledger.set_verifications set
          status = coalesce(${patch.status ?? null}, status),
          total = coalesce(${patch.total ?? null}::int, total),
          done = coalesce(${patch.done ?? null}::int, done),
          counts = coalesce(${patch.counts ? JSON.stringify(patch.counts) : null}::jsonb, counts),
          error = coalesce(${patch.error ?? null}, error),
          finished_at = coalesce(${patch.finishedAt ?? null}::timestamptz, finished_at),
          updated_at = ${patch.updatedAt}
        where id = ${id}`.execute(db);
    },

    async getRun(db: Db, id: string): Promise<SetRunRow | undefined> {
      const res = await sql<RawRun>`select * from ledger.set_verifications where id = ${id}`.execute(db);
      return res.rows[0] && toRun(res.rows[0]);
    },

    async runsOfSet(
      db: Db,
      orgId: string,
      setId: string,
      page: { limit: number; after?: PageKey | undefined; before?: PageKey | undefined },
    ): Promise<SetRunRow[]> {
      const { cond, dir } = newestFirst(page);
      const res = await sql<RawRun>`
        select * from ledger.set_verifications where org_id = ${orgId} and set_id = ${setId} ${cond}
        order by started_at ${dir}, id ${dir} limit ${page.limit + 1}`.execute(db);
      return res.rows.map(toRun);
    },

    /** Runs left RUNNING by a process that is gone (not updated for `staleMs`). */
    async interruptStale(db: Db, now: Date, staleMs: number): Promise<number> {
      const res = await sql`
        update ledger.set_verifications set status = 'INTERRUPTED', finished_at = ${now}, updated_at = ${now},
          error = 'the process running it stopped'
        where status = 'RUNNING' and updated_at < ${new Date(now.getTime() - staleMs)}`.execute(db);
      return Number(res.numAffectedRows ?? 0);
    },
  };
}

export type VerificationStore = ReturnType<typeof createVerificationStore>;

/**
 * Keyset paging newest first on (started_at, id): `after` continues towards older rows, `before`
 * goes back towards newer ones (read ascending; the caller reverses).
 */
function newestFirst(page: { after?: PageKey | undefined; before?: PageKey | undefined }) {
  const key = page.after ?? page.before;
  const cond = !key
    ? sql``
    : page.after
      ? sql`and (started_at, id) < (${key.at}, ${key.id})`
      : sql`and (started_at, id) > (${key.at}, ${key.id})`;
  return { cond, dir: page.before ? sql`asc` : sql`desc` };
}
