/**
 * Reconciliation of stored events with the ledger (architecture.md §7), from the event service's
 * side. The ledger appends every stored event as a `box_event` leaf whose bytes embed the event's
 * canonical text, so an event row and its leaf can be compared byte for byte.
 *
 *  - `tick()` (a background job): for events whose leaf index is still unknown, asks the ledger
 *    where their leaves are, recomputes each row's leaf hash from its text and compares it with the
 *    hash stored beside the row and the ledger's; a match records `leaf_index`, a mismatch is logged
 *    at error level and the row stays unreconciled (so every pass reports it again). A cursor per
 *    organisation walks past rows the ledger has not appended yet, so they never hold up newer ones.
 *  - `audit()` (`auditor verify reconcile`): every event of an organisation, reconciled or not, in
 *    keyset pages — text vs stored hash vs ledger hash, stored index vs the ledger's index, the
 *    normalised columns vs what the text says — and then every `box_event` leaf of the log against
 *    the events, which finds event rows deleted after they were appended. An edit to an event row
 *    made directly in the database shows up here even after the row was reconciled.
 */
import { sql } from 'kysely';
import { parseLossless } from '../../ledger/index.ts';
import type { Logger } from '../../platform/logging.ts';
import { boxEventLeafText, leafHashOfText } from '../verification/leaf-format.ts';
import type { VerificationClient } from '../verification/verification-client.ts';
import type { EventDb, EventRow } from './event-tables.ts';
import { normalizeEvent } from './normalize-event.ts';

export type EventMismatchProblem =
  /** The row's text no longer hashes to the leaf hash stored beside it: the text was edited. */
  | 'TEXT_EDITED'
  /** The row's text and stored hash agree, but the ledger's leaf has another hash. */
  | 'LEAF_DIFFERS'
  /** The row names another leaf index than the ledger holds the event at. */
  | 'INDEX_DIFFERS'
  /** Searchable columns (type, actor, item, time…) no longer say what the event's text says. */
  | 'COLUMNS_EDITED'
  /** Appended long ago, but the ledger has no leaf for it (refused, or the leaf was removed). */
  | 'LEAF_MISSING'
  /** The ledger has a leaf for an event the event service no longer has: the row was deleted. */
  | 'EVENT_MISSING';

export interface EventMismatch {
  eventId: string;
  leafIndex: number | null;
  problem: EventMismatchProblem;
  detail?: string;
}

export interface EventReconciliationReport {
  orgId: string;
  ok: boolean;
  eventsChecked: number;
  leavesChecked: number;
  /** Leaf indexes recorded by this audit (rows that were not reconciled yet and matched). */
  reconciled: number;
  /** Recent events the ledger has not appended yet (not a finding). */
  awaitingLedger: number;
  mismatchCount: number;
  /** The first 1,000 findings. */
  mismatches: EventMismatch[];
}

export interface EventReconciler {
  /** One incremental pass over unreconciled events of every organisation. */
  tick(): Promise<{ reconciled: number; mismatched: number; looked: number }>;
  /** The full comparison of one organisation's events (or every organisation's) with the ledger. */
  audit(orgId?: string): Promise<EventReconciliationReport[]>;
}

const PAGE = 1000;
const MAX_REPORTED = 1000;
/** An event stored longer ago than this without a leaf is a finding, not the ledger being behind. */
export const LEAF_GRACE_MS = 10 * 60_000;

type Row = Pick<
  EventRow,
  | 'event_id'
  | 'created_at'
  | 'raw'
  | 'leaf_hash'
  | 'leaf_index'
  | 'event_type'
  | 'actor_id'
  | 'item_id'
  | 'item_type'
  | 'owner_id'
  | 'ingested_at'
>;

const COLUMNS = [
  'event_id',
  'created_at',
  'raw',
  'leaf_hash',
  'leaf_index',
  'event_type',
  'actor_id',
  'item_id',
  'item_type',
  'owner_id',
  'ingested_at',
] as const;

/** Columns that differ from what the row's own text says (empty when consistent). */
export function editedColumns(r: Row): string[] {
  let n: ReturnType<typeof normalizeEvent>;
  try {
    n = normalizeEvent(parseLossless(r.raw) as Parameters<typeof normalizeEvent>[0]);
  } catch {
    return ['raw'];
  }
  const out: string[] = [];
  if (n.eventId !== r.event_id) out.push('event_id');
  if (n.createdAt.getTime() !== r.created_at.getTime()) out.push('created_at');
  if (n.type !== r.event_type) out.push('event_type');
  if (n.actorId !== r.actor_id) out.push('actor_id');
  if (n.itemId !== r.item_id) out.push('item_id');
  if (n.itemType !== r.item_type) out.push('item_type');
  if (n.ownerId !== r.owner_id) out.push('owner_id');
  return out;
}

export function createEventReconciler(d: {
  db: EventDb;
  verification: () => VerificationClient;
  log: Logger;
  batch: number;
}): EventReconciler {
  /** Per organisation, the seq after which the next incremental pass continues. */
  const cursors = new Map<string, number>();

  async function orgIds(): Promise<string[]> {
    const rows = await d.db.selectFrom('event.org_streams').select('org_id').orderBy('org_id').execute();
    return rows.map((r) => r.org_id);
  }

  async function setLeafIndexes(orgId: string, rows: { eventId: string; leafIndex: number }[]) {
    if (rows.length === 0) return;
    await sql`
      update event.events e set leaf_index = v.leaf_index
      from unnest(${rows.map((r) => r.eventId)}::text[], ${rows.map((r) => r.leafIndex)}::bigint[])
        as v(event_id, leaf_index)
      where e.org_id = ${orgId} and e.event_id = v.event_id and e.leaf_index is null`.execute(d.db);
  }

  async function ledgerRecords(orgId: string, eventIds: string[]) {
    const records = await d.verification().leafRecords(orgId, 'box_event', eventIds);
    return new Map(records.map((r) => [r.ref, r]));
  }

  const rowHash = (r: Pick<Row, 'raw'>) => leafHashOfText(boxEventLeafText(r.raw)).toString('base64');

  async function tickOrg(orgId: string) {
    const after = cursors.get(orgId) ?? 0;
    const rows = await sql<Row & { seq: number }>`
      select ${sql.join(COLUMNS.map((c) => sql.ref(c)))}, seq from event.events
      where org_id = ${orgId} and leaf_index is null and seq > ${after}
      order by seq limit ${d.batch}`.execute(d.db);
    const list = rows.rows;
    // At the end of the backlog, start over from the oldest on the next pass.
    cursors.set(orgId, list.length === d.batch ? Number(list[list.length - 1]!.seq) : 0);
    if (list.length === 0) return { reconciled: 0, mismatched: 0, looked: 0 };
    const byRef = await ledgerRecords(
      orgId,
      list.map((r) => r.event_id),
    );
    const matched: { eventId: string; leafIndex: number }[] = [];
    let mismatched = 0;
    for (const r of list) {
      const record = byRef.get(r.event_id);
      if (!record) continue;
      const recomputed = rowHash(r);
      if (recomputed === r.leaf_hash.toString('base64') && recomputed === record.leafHash) {
        matched.push({ eventId: r.event_id, leafIndex: record.index });
      } else {
        mismatched++;
        d.log.error(
          { org: orgId, event: r.event_id, leafIndex: record.index },
          'a stored event does not match its ledger leaf',
        );
      }
    }
    await setLeafIndexes(orgId, matched);
    return { reconciled: matched.length, mismatched, looked: list.length };
  }

  async function auditOrg(orgId: string): Promise<EventReconciliationReport> {
    const report: EventReconciliationReport = {
      orgId,
      ok: true,
      eventsChecked: 0,
      leavesChecked: 0,
      reconciled: 0,
      awaitingLedger: 0,
      mismatchCount: 0,
      mismatches: [],
    };
    const found = (m: EventMismatch) => {
      report.mismatchCount++;
      if (report.mismatches.length < MAX_REPORTED) report.mismatches.push(m);
    };
    // 1. Every event row against its leaf.
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      // Staleness by the database's clock: `ingested_at` is written by it.
      const page: { rows: Array<Row & { stale: boolean }> } = await sql<Row & { stale: boolean }>`
        select ${sql.join(COLUMNS.map((c) => sql.ref(c)))},
               ingested_at < now() - make_interval(secs => ${LEAF_GRACE_MS / 1000}) as stale
        from event.events
        where org_id = ${orgId} ${after ? sql`and (created_at, event_id) > (${after.at}, ${after.id})` : sql``}
        order by created_at, event_id limit ${PAGE}`.execute(d.db);
      if (page.rows.length === 0) break;
      const last = page.rows[page.rows.length - 1]!;
      after = { at: last.created_at, id: last.event_id };
      const byRef = await ledgerRecords(
        orgId,
        page.rows.map((r) => r.event_id),
      );
      const matched: { eventId: string; leafIndex: number }[] = [];
      for (const r of page.rows) {
        report.eventsChecked++;
        const leafIndex = r.leaf_index === null ? null : Number(r.leaf_index);
        const columns = editedColumns(r);
        if (columns.length > 0)
          found({ eventId: r.event_id, leafIndex, problem: 'COLUMNS_EDITED', detail: columns.join(',') });
        const recomputed = rowHash(r);
        if (recomputed !== r.leaf_hash.toString('base64')) {
          found({ eventId: r.event_id, leafIndex, problem: 'TEXT_EDITED' });
          continue;
        }
        const record = byRef.get(r.event_id);
        if (!record) {
          if (leafIndex !== null || r.stale)
            found({ eventId: r.event_id, leafIndex, problem: 'LEAF_MISSING' });
          else report.awaitingLedger++;
          continue;
        }
        if (record.leafHash !== recomputed) {
          found({ eventId: r.event_id, leafIndex: record.index, problem: 'LEAF_DIFFERS' });
          continue;
        }
        if (leafIndex === null) matched.push({ eventId: r.event_id, leafIndex: record.index });
        else if (leafIndex !== record.index)
          found({
            eventId: r.event_id,
            leafIndex,
            problem: 'INDEX_DIFFERS',
            detail: `the ledger holds it at ${record.index}`,
          });
      }
      await setLeafIndexes(orgId, matched);
      report.reconciled += matched.length;
      if (page.rows.length < PAGE) break;
    }

    // 2. Every box_event leaf against the events: leaves whose event row is gone.
    for (let from: number | null = 0; from !== null; ) {
      const page = await d.verification().leafRecordsFrom(orgId, 'box_event', from, PAGE);
      from = page.next;
      if (page.items.length === 0) break;
      report.leavesChecked += page.items.length;
      const present = new Set(
        (
          await d.db
            .selectFrom('event.events')
            .select('event_id')
            .where('org_id', '=', orgId)
            .where(
              'event_id',
              'in',
              page.items.map((i) => i.ref),
            )
            .execute()
        ).map((r) => r.event_id),
      );
      for (const leaf of page.items)
        if (!present.has(leaf.ref))
          found({ eventId: leaf.ref, leafIndex: leaf.index, problem: 'EVENT_MISSING' });
    }

    report.ok = report.mismatchCount === 0;
    if (!report.ok) {
      d.log.error(
        {
          org: orgId,
          mismatches: report.mismatchCount,
          problems: [...new Set(report.mismatches.map((m) => m.problem))],
          sample: report.mismatches.slice(0, 5),
        },
        'stored events do not match the ledger',
      );
    }
    return report;
  }

  return {
    async tick() {
      let reconciled = 0;
      let mismatched = 0;
      let looked = 0;
      for (const orgId of await orgIds()) {
        const pass = await tickOrg(orgId);
        reconciled += pass.reconciled;
        mismatched += pass.mismatched;
        looked += pass.looked;
      }
      return { reconciled, mismatched, looked };
    },
    async audit(orgId) {
      const orgs = orgId ? [orgId] : await orgIds();
      const out: EventReconciliationReport[] = [];
      for (const o of orgs) out.push(await auditOrg(o));
      return out;
    },
  };
}
