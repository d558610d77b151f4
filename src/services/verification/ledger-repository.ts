/**
 * Every query of the ledger schema (migrations 0002, 0003). Bulk writes take arrays through
 * `unnest`, so an append of hundreds of leaves is one statement, on PostgreSQL and PGlite alike.
 */
import { sql } from 'kysely';
import { EMPTY_ROOT } from '../../ledger/index.ts';
import type { AnyDb, AnyTrx } from '../../platform/db/database.ts';
import type { LeafKind } from './leaf-format.ts';

type Db = AnyDb | AnyTrx;

export interface LogRow {
  id: number;
  orgId: string;
  origin: string;
  treeSize: number;
  root: Buffer;
  createdAt: Date;
}

export interface LeafRow {
  index: number;
  kind: LeafKind;
  ref: string;
  data: string;
  leafHash: Buffer;
}

export interface CheckpointRow {
  treeSize: number;
  root: Buffer;
  note: string;
  createdAt: Date;
}

export interface NewLeafRow {
  kind: LeafKind;
  ref: string;
  data: string;
  leafHash: Buffer;
}

export interface RefusedLeaf {
  orgId: string;
  kind: LeafKind;
  ref: string;
  messageId: string;
  reason: 'HASH_MISMATCH' | 'TEXT_MISSING' | 'CONFLICT';
  announcedHash: Buffer | null;
  computedHash: Buffer | null;
}

/** Rows per INSERT: large enough to amortise the round trip, small enough for one parameter set. */
const INSERT_CHUNK = 1000;

interface RawLog {
  id: number;
  org_id: string;
  origin: string;
  tree_size: number;
  root: Buffer;
  created_at: Date;
}

const toLog = (r: RawLog): LogRow => ({
  id: Number(r.id),
  orgId: r.org_id,
  origin: r.origin,
  treeSize: Number(r.tree_size),
  root: r.root,
  createdAt: r.created_at,
});

interface RawLeaf {
  leaf_index: number;
  kind: LeafKind;
  ref: string;
  data: string;
  leaf_hash: Buffer;
}

const toLeaf = (r: RawLeaf): LeafRow => ({
  index: Number(r.leaf_index),
  kind: r.kind,
  ref: r.ref,
  data: r.data,
  leafHash: r.leaf_hash,
});

interface RawCheckpoint {
  tree_size: number;
  root: Buffer;
  note: string;
  created_at: Date;
}

const toCheckpoint = (r: RawCheckpoint): CheckpointRow => ({
  treeSize: Number(r.tree_size),
  root: r.root,
  note: r.note,
  createdAt: r.created_at,
});

export function createLedgerRepository() {
  return {
    async findLog(db: Db, orgId: string): Promise<LogRow | undefined> {
      const res = await sql<RawLog>`
        select id, org_id, origin, tree_size, root, created_at from ledger.logs where org_id = ${orgId}`.execute(
        db,
      );
      return res.rows[0] && toLog(res.rows[0]);
    },

    async listLogs(db: Db): Promise<LogRow[]> {
      const res = await sql<RawLog>`
        select id, org_id, origin, tree_size, root, created_at from ledger.logs order by id`.execute(db);
      return res.rows.map(toLog);
    },

    /**
     * The log's head, locked until the transaction ends: appends to one log are serialised here,
     * which is what makes leaf indexes follow commit order. Creates the log on first use.
     */
    async lockLog(trx: AnyTrx, orgId: string, origin: string, now: Date): Promise<LogRow> {
      const lock = () =>
        sql<RawLog>`
          select id, org_id, origin, tree_size, root, created_at from ledger.logs
          where org_id = ${orgId} for update`.execute(trx);
      let res = await lock();
      if (res.rows.length === 0) {
        await sql`
          insert into ledger.logs (org_id, origin, tree_size, root, created_at, updated_at)
          values (${orgId}, ${origin}, 0, ${EMPTY_ROOT}, ${now}, ${now})
          on conflict (org_id) do nothing`.execute(trx);
        res = await lock();
      }
      return toLog(res.rows[0]!);
    },

    async setHead(trx: AnyTrx, logId: number, treeSize: number, root: Buffer, now: Date): Promise<void> {
      await sql`update ledger.logs set tree_size = ${treeSize}, root = ${root}, updated_at = ${now}
                where id = ${logId}`.execute(trx);
    },

    /** Leaves already in the log among (kind, ref) pairs. */
    async leavesByRefs(
      db: Db,
      logId: number,
      refs: readonly { kind: LeafKind; ref: string }[],
    ): Promise<Array<Omit<LeafRow, 'data'>>> {
      const out: Array<Omit<LeafRow, 'data'>> = [];
      for (let i = 0; i < refs.length; i += INSERT_CHUNK) {
        const chunk = refs.slice(i, i + INSERT_CHUNK);
        const res = await sql<Omit<RawLeaf, 'data'>>`
          select l.leaf_index, l.kind, l.ref, l.leaf_hash from ledger.leaves l
          join unnest(${chunk.map((r) => r.kind)}::text[], ${chunk.map((r) => r.ref)}::text[]) as k(kind, ref)
            on l.kind = k.kind and l.ref = k.ref
          where l.log_id = ${logId}`.execute(db);
        for (const r of res.rows)
          out.push({ index: Number(r.leaf_index), kind: r.kind, ref: r.ref, leafHash: r.leaf_hash });
      }
      return out;
    },

    /**
     * Inserts leaves with consecutive indexes from `firstIndex`, in order, a chunk per statement.
     * A leaf whose (kind, ref) is already in the log is skipped, not an error; returns how many
     * rows were inserted, so the caller sees at once whether its indexes still hold.
     */
    async insertLeaves(
      trx: AnyTrx,
      logId: number,
      firstIndex: number,
      leaves: readonly NewLeafRow[],
      now: Date,
    ): Promise<number> {
      let inserted = 0;
      for (let i = 0; i < leaves.length; i += INSERT_CHUNK) {
        const chunk = leaves.slice(i, i + INSERT_CHUNK);
        const res = await sql`
          insert into ledger.leaves (log_id, leaf_index, kind, ref, data, leaf_hash, appended_at)
          select ${logId}, ${firstIndex + i} + t.ord - 1, t.kind, t.ref, t.data, t.leaf_hash, ${now}
          from unnest(${chunk.map((l) => l.kind)}::text[], ${chunk.map((l) => l.ref)}::text[],
                      ${chunk.map((l) => l.data)}::text[], ${chunk.map((l) => l.leafHash)}::bytea[])
            with ordinality as t(kind, ref, data, leaf_hash, ord)
          on conflict (log_id, kind, ref) do nothing`.execute(trx);
        inserted += Number(res.numAffectedRows ?? 0);
      }
      return inserted;
    },

    /** Removes the leaves from `firstIndex` on: undoes an insert of this transaction (the log is locked). */
    async deleteLeavesFrom(trx: AnyTrx, logId: number, firstIndex: number): Promise<void> {
      await sql`delete from ledger.leaves where log_id = ${logId} and leaf_index >= ${firstIndex}`.execute(
        trx,
      );
    },

    async leafAt(db: Db, logId: number, index: number): Promise<LeafRow | undefined> {
      const res = await sql<RawLeaf>`
        select leaf_index, kind, ref, data, leaf_hash from ledger.leaves
        where log_id = ${logId} and leaf_index = ${index}`.execute(db);
      return res.rows[0] && toLeaf(res.rows[0]);
    },

    async leavesAt(db: Db, logId: number, indexes: readonly number[]): Promise<LeafRow[]> {
      if (indexes.length === 0) return [];
      const res = await sql<RawLeaf>`
        select leaf_index, kind, ref, data, leaf_hash from ledger.leaves
        where log_id = ${logId} and leaf_index = any(${[...indexes]}::bigint[])
        order by leaf_index`.execute(db);
      return res.rows.map(toLeaf);
    },

    /**
     * The leaves with indexes in [from, to), in index order, with only what the full audit needs:
     * one page of a keyset scan (the log is never read into memory whole).
     */
    async leafRange(
      db: Db,
      logId: number,
      from: number,
      to: number,
    ): Promise<Array<{ index: number; data: string; leafHash: Buffer }>> {
      const res = await sql<{ leaf_index: number; data: string; leaf_hash: Buffer }>`
        select leaf_index, data, leaf_hash from ledger.leaves
        where log_id = ${logId} and leaf_index >= ${from} and leaf_index < ${to}
        order by leaf_index`.execute(db);
      return res.rows.map((r) => ({ index: Number(r.leaf_index), data: r.data, leafHash: r.leaf_hash }));
    },

    /** Leaves of one kind from an index on, in index order, without their bytes (a keyset page). */
    async leavesOfKindFrom(
      db: Db,
      logId: number,
      kind: LeafKind,
      fromIndex: number,
      limit: number,
    ): Promise<Array<Omit<LeafRow, 'data'>>> {
      const res = await sql<Omit<RawLeaf, 'data'>>`
        select leaf_index, kind, ref, leaf_hash from ledger.leaves
        where log_id = ${logId} and leaf_index >= ${fromIndex} and kind = ${kind}
        order by leaf_index limit ${limit}`.execute(db);
      return res.rows.map((r) => ({
        index: Number(r.leaf_index),
        kind: r.kind,
        ref: r.ref,
        leafHash: r.leaf_hash,
      }));
    },

    /** The witness's cosignature line of one checkpoint, if the ledger holds one. */
    async cosignatureAt(db: Db, logId: number, treeSize: number): Promise<string | undefined> {
      const res = await sql<{ line: string }>`
        select line from ledger.cosignatures where log_id = ${logId} and tree_size = ${treeSize}
        order by cosigned_at desc limit 1`.execute(db);
      return res.rows[0]?.line;
    },

    async latestCheckpoint(db: Db, logId: number): Promise<CheckpointRow | undefined> {
      const res = await sql<RawCheckpoint>`
        select tree_size, root, note, created_at from ledger.checkpoints
        where log_id = ${logId} order by tree_size desc limit 1`.execute(db);
      return res.rows[0] && toCheckpoint(res.rows[0]);
    },

    async checkpointAt(db: Db, logId: number, treeSize: number): Promise<CheckpointRow | undefined> {
      const res = await sql<RawCheckpoint>`
        select tree_size, root, note, created_at from ledger.checkpoints
        where log_id = ${logId} and tree_size = ${treeSize}`.execute(db);
      return res.rows[0] && toCheckpoint(res.rows[0]);
    },

    /** Every checkpoint of a log in size order (the audit checks each of them). */
    async checkpoints(db: Db, logId: number): Promise<CheckpointRow[]> {
      const res = await sql<RawCheckpoint>`
        select tree_size, root, note, created_at from ledger.checkpoints
        where log_id = ${logId} order by tree_size`.execute(db);
      return res.rows.map(toCheckpoint);
    },

    /** True when the checkpoint was new (a second signer of the same size changes nothing). */
    async insertCheckpoint(
      db: Db,
      logId: number,
      checkpoint: { treeSize: number; root: Buffer; note: string },
      now: Date,
    ): Promise<boolean> {
      const res = await sql`
        insert into ledger.checkpoints (log_id, tree_size, root, note, created_at)
        values (${logId}, ${checkpoint.treeSize}, ${checkpoint.root}, ${checkpoint.note}, ${now})
        on conflict (log_id, tree_size) do nothing`.execute(db);
      return Number(res.numAffectedRows ?? 0) > 0;
    },

    /** Logs with their latest checkpoint's size and time (null when they have none). */
    async heads(
      db: Db,
    ): Promise<Array<LogRow & { checkpointSize: number | null; checkpointAt: Date | null }>> {
      const res = await sql<RawLog & { checkpoint_size: number | null; checkpoint_at: Date | null }>`
        select l.id, l.org_id, l.origin, l.tree_size, l.root, l.created_at,
               c.tree_size as checkpoint_size, c.created_at as checkpoint_at
        from ledger.logs l
        left join lateral (
          select tree_size, created_at from ledger.checkpoints
          where log_id = l.id order by tree_size desc limit 1) c on true
        order by l.id`.execute(db);
      return res.rows.map((r) => ({
        ...toLog(r),
        checkpointSize: r.checkpoint_size === null ? null : Number(r.checkpoint_size),
        checkpointAt: r.checkpoint_at,
      }));
    },

    async insertCosignature(
      db: Db,
      c: { logId: number; treeSize: number; witnessKey: string; line: string; cosignedAt: Date },
      now: Date,
    ): Promise<boolean> {
      const res = await sql`
        insert into ledger.cosignatures (log_id, tree_size, witness_key, line, cosigned_at, received_at)
        values (${c.logId}, ${c.treeSize}, ${c.witnessKey}, ${c.line}, ${c.cosignedAt}, ${now})
        on conflict (log_id, tree_size, witness_key) do nothing`.execute(db);
      return Number(res.numAffectedRows ?? 0) > 0;
    },

    /** The largest checkpoint the witness cosigned, with the cosignature line. */
    async latestCosigned(
      db: Db,
      logId: number,
    ): Promise<(CheckpointRow & { line: string; witnessKey: string }) | undefined> {
      const res = await sql<RawCheckpoint & { line: string; witness_key: string }>`
        select c.tree_size, c.root, c.note, c.created_at, s.line, s.witness_key
        from ledger.cosignatures s
        join ledger.checkpoints c on c.log_id = s.log_id and c.tree_size = s.tree_size
        where s.log_id = ${logId}
        order by s.tree_size desc, s.cosigned_at desc limit 1`.execute(db);
      const r = res.rows[0];
      return r && { ...toCheckpoint(r), line: r.line, witnessKey: r.witness_key };
    },

    /** The newest cosignature the ledger imported for one log: its size and times, without the line. */
    async latestCosignature(
      db: Db,
      logId: number,
    ): Promise<{ treeSize: number; cosignedAt: Date; receivedAt: Date } | undefined> {
      const res = await sql<{ tree_size: number; cosigned_at: Date; received_at: Date }>`
        select tree_size, cosigned_at, received_at from ledger.cosignatures where log_id = ${logId}
        order by tree_size desc, cosigned_at desc limit 1`.execute(db);
      const r = res.rows[0];
      return r && { treeSize: Number(r.tree_size), cosignedAt: r.cosigned_at, receivedAt: r.received_at };
    },

    /** Cosignatures of one log (the audit re-verifies them). */
    async cosignatures(
      db: Db,
      logId: number,
    ): Promise<Array<{ treeSize: number; witnessKey: string; line: string }>> {
      const res = await sql<{ tree_size: number; witness_key: string; line: string }>`
        select tree_size, witness_key, line from ledger.cosignatures where log_id = ${logId}
        order by tree_size`.execute(db);
      return res.rows.map((r) => ({
        treeSize: Number(r.tree_size),
        witnessKey: r.witness_key,
        line: r.line,
      }));
    },

    async latestWitnessKey(db: Db): Promise<string | undefined> {
      const res = await sql<{ witness_key: string }>`
        select witness_key from ledger.cosignatures order by received_at desc limit 1`.execute(db);
      return res.rows[0]?.witness_key;
    },

    async insertRefusals(trx: AnyTrx, refusals: readonly RefusedLeaf[], now: Date): Promise<void> {
      if (refusals.length === 0) return;
      await sql`
        insert into ledger.refused_leaves
          (org_id, kind, ref, message_id, reason, announced_hash, computed_hash, created_at)
        select t.org_id, t.kind, t.ref, t.message_id, t.reason, t.announced_hash, t.computed_hash, ${now}
        from unnest(${refusals.map((r) => r.orgId)}::uuid[], ${refusals.map((r) => r.kind)}::text[],
                    ${refusals.map((r) => r.ref)}::text[], ${refusals.map((r) => r.messageId)}::uuid[],
                    ${refusals.map((r) => r.reason)}::text[], ${refusals.map((r) => r.announcedHash)}::bytea[],
                    ${refusals.map((r) => r.computedHash)}::bytea[])
          as t(org_id, kind, ref, message_id, reason, announced_hash, computed_hash)
        on conflict (message_id, kind, ref) do nothing`.execute(trx);
    },

    async insertBaselineRequests(
      trx: AnyTrx,
      requests: readonly {
        messageId: string;
        orgId: string;
        topic: 'audit.item_added' | 'audit.item_removed';
        setId: string;
        itemId: string;
        payload: unknown;
        requestedAt: string;
      }[],
    ): Promise<void> {
      if (requests.length === 0) return;
      await sql`
        insert into ledger.baseline_requests (message_id, org_id, topic, set_id, item_id, payload, requested_at)
        select * from unnest(${requests.map((r) => r.messageId)}::uuid[], ${requests.map((r) => r.orgId)}::uuid[],
                             ${requests.map((r) => r.topic)}::text[], ${requests.map((r) => r.setId)}::text[],
                             ${requests.map((r) => r.itemId)}::text[],
                             ${requests.map((r) => JSON.stringify(r.payload))}::jsonb[],
                             ${requests.map((r) => r.requestedAt)}::timestamptz[])
        on conflict (message_id) do nothing`.execute(trx);
    },
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
