/** Queries of the baseline job (ledger.baseline_requests, ledger.baseline_files; migrations 0003, 0004). */
import { sql } from 'kysely';
import type { AnyDb, AnyTrx } from '../../platform/db/database.ts';
import type { MessagePayloads } from '../../platform/messaging/catalogue.ts';

type Db = AnyDb | AnyTrx;

export interface BaselineRequestRow {
  messageId: string;
  orgId: string;
  topic: 'audit.item_added' | 'audit.item_removed';
  setId: string;
  itemId: string;
  payload: MessagePayloads['audit.item_added'] | MessagePayloads['audit.item_removed'];
  requestedAt: Date;
  attempts: number;
  observedAt: Date | null;
}

interface RawRequest {
  message_id: string;
  org_id: string;
  topic: BaselineRequestRow['topic'];
  set_id: string;
  item_id: string;
  payload: BaselineRequestRow['payload'];
  requested_at: Date;
  attempts: number;
  observed_at: Date | null;
}

const toRequest = (r: RawRequest): BaselineRequestRow => ({
  messageId: r.message_id,
  orgId: r.org_id,
  topic: r.topic,
  setId: r.set_id,
  itemId: r.item_id,
  payload: r.payload,
  requestedAt: r.requested_at,
  attempts: Number(r.attempts),
  observedAt: r.observed_at,
});

export interface BaselineFileRow {
  fileId: string;
  observationIds: string[];
  observedAt: Date;
}

export function createBaselineStore() {
  return {
    /** Claims due requests (oldest first) until `until`; a worker that dies releases them then. */
    async claim(db: Db, now: Date, until: Date, limit: number): Promise<BaselineRequestRow[]> {
      const res = await sql<RawRequest>`
        update ledger.baseline_requests b set next_attempt_at = ${until}
        from (select message_id from ledger.baseline_requests
              where processed_at is null and (next_attempt_at is null or next_attempt_at <= ${now})
              order by requested_at limit ${limit} for update skip locked) c
        where b.message_id = c.message_id
        returning b.message_id, b.org_id, b.topic, b.set_id, b.item_id, b.payload, b.requested_at, b.attempts,
                  b.observed_at`.execute(db);
      return res.rows.map(toRequest).sort((a, b) => a.requestedAt.getTime() - b.requestedAt.getTime());
    },

    /** Whether the item was removed from the set after this request (its baseline is then dropped). */
    async removedAfter(db: Db, r: BaselineRequestRow): Promise<boolean> {
      const res = await sql`
        select 1 from ledger.baseline_requests
        where org_id = ${r.orgId} and set_id = ${r.setId} and item_id = ${r.itemId}
          and topic = 'audit.item_removed' and requested_at >= ${r.requestedAt} limit 1`.execute(db);
      return res.rows.length > 0;
    },

    /** Marks the pending additions of the item up to a removal as dropped; returns how many. */
    async dropBefore(trx: AnyTrx, removal: BaselineRequestRow, now: Date): Promise<number> {
      const res = await sql`
        update ledger.baseline_requests set processed_at = ${now}, outcome = 'dropped'
        where org_id = ${removal.orgId} and set_id = ${removal.setId} and item_id = ${removal.itemId}
          and topic = 'audit.item_added' and processed_at is null and requested_at <= ${removal.requestedAt}`.execute(
        trx,
      );
      return Number(res.numAffectedRows ?? 0);
    },

    async finish(
      db: Db,
      messageId: string,
      outcome: 'recorded' | 'dropped' | 'removed',
      files: number | null,
      now: Date,
    ): Promise<void> {
      await sql`update ledger.baseline_requests set processed_at = ${now}, outcome = ${outcome}, files = ${files},
                last_error = null where message_id = ${messageId}`.execute(db);
    },

    async retryLater(db: Db, messageId: string, at: Date, error: string | null, countAttempt: boolean) {
      await sql`update ledger.baseline_requests set next_attempt_at = ${at}, last_error = ${error},
                attempts = attempts + ${countAttempt ? 1 : 0} where message_id = ${messageId}`.execute(db);
    },

    async markObserved(db: Db, messageId: string, files: number, now: Date): Promise<void> {
      await sql`update ledger.baseline_requests set observed_at = ${now}, files = ${files}
                where message_id = ${messageId}`.execute(db);
    },

    /** Goes back to observing (the files whose rows were removed are observed again). */
    async markUnobserved(db: Db, messageId: string): Promise<void> {
      await sql`update ledger.baseline_requests set observed_at = null where message_id = ${messageId}`.execute(
        db,
      );
    },

    async files(db: Db, messageId: string): Promise<BaselineFileRow[]> {
      const res = await sql<{ file_id: string; observation_ids: string[]; observed_at: Date }>`
        select file_id, observation_ids, observed_at from ledger.baseline_files where message_id = ${messageId}`.execute(
        db,
      );
      return res.rows.map((r) => ({
        fileId: r.file_id,
        observationIds: r.observation_ids,
        observedAt: r.observed_at,
      }));
    },

    async addFile(
      db: Db,
      r: BaselineRequestRow,
      f: {
        fileId: string;
        observationIds: string[];
        versionIds: string[];
        currentVersionId: string | null;
        observedAt: Date;
      },
    ): Promise<void> {
      await sql`
        insert into ledger.baseline_files (message_id, file_id, org_id, set_id, item_id, observation_ids, version_ids,
          current_version_id, observed_at)
        values (${r.messageId}, ${f.fileId}, ${r.orgId}, ${r.setId}, ${r.itemId}, ${f.observationIds}::uuid[],
                ${f.versionIds}::text[], ${f.currentVersionId}, ${f.observedAt})
        on conflict (message_id, file_id) do nothing`.execute(db);
    },

    async removeFiles(db: Db, messageId: string, fileIds: string[]): Promise<void> {
      if (fileIds.length === 0) return;
      await sql`delete from ledger.baseline_files where message_id = ${messageId}
                and file_id = any(${fileIds}::text[])`.execute(db);
    },

    /** Files the latest baselines of a set's item recorded (a set verification also checks these). */
    async filesOfSetItem(
      db: Db,
      orgId: string,
      setId: string,
      itemId: string,
      limit: number,
    ): Promise<string[]> {
      const res = await sql<{ file_id: string }>`
        select distinct f.file_id from ledger.baseline_files f
        join ledger.baseline_requests b on b.message_id = f.message_id
        where f.org_id = ${orgId} and f.set_id = ${setId} and f.item_id = ${itemId} and b.outcome = 'recorded'
        limit ${limit}`.execute(db);
      return res.rows.map((r) => r.file_id);
    },

    async pending(db: Db): Promise<number> {
      const res = await sql<{ n: number }>`
        select count(*)::int as n from ledger.baseline_requests where processed_at is null`.execute(db);
      return res.rows[0]?.n ?? 0;
    },
  };
}

export type BaselineStore = ReturnType<typeof createBaselineStore>;
