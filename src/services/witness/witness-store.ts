/** Every query of the witness's own schema (migrations/0001-witness.ts). */
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';

export interface WitnessedLog {
  origin: string;
  /** The log's verifier key, pinned when the witness first saw the log. */
  logKey: string;
  treeSize: number;
  root: Buffer;
  /** The log's signed checkpoint note as received. */
  note: string;
  /** The witness's cosignature line on it. */
  cosignature: string;
  cosignedAt: Date;
}

export interface Refusal {
  origin: string;
  code: string;
  message: string;
  treeSize: number | null;
  root: Buffer | null;
  note: string | null;
  previousSize: number | null;
  previousRoot: Buffer | null;
}

export interface RefusalRow extends Refusal {
  id: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  occurrences: number;
}

interface RawLog {
  origin: string;
  log_key: string;
  tree_size: number;
  root: Buffer;
  note: string;
  cosignature: string;
  cosigned_at: Date;
}

const toLog = (r: RawLog): WitnessedLog => ({
  origin: r.origin,
  logKey: r.log_key,
  treeSize: Number(r.tree_size),
  root: r.root,
  note: r.note,
  cosignature: r.cosignature,
  cosignedAt: r.cosigned_at,
});

export interface WitnessStore {
  get(origin: string): Promise<WitnessedLog | undefined>;
  list(origins: readonly string[]): Promise<WitnessedLog[]>;
  /** Records an accepted checkpoint: the new state of its log and the cosignature issued. */
  accept(log: WitnessedLog, now: Date): Promise<void>;
  /** Records a refusal; the same refusal seen again only bumps its count and last time. */
  refuse(refusal: Refusal, now: Date): Promise<void>;
  refusals(origin: string, limit?: number): Promise<RefusalRow[]>;
}

export function createWitnessStore(database: Database): WitnessStore {
  const db = database.db;
  return {
    async get(origin) {
      const res = await sql<RawLog>`
        select origin, log_key, tree_size, root, note, cosignature, cosigned_at
        from witness.logs where origin = ${origin}`.execute(db);
      return res.rows[0] && toLog(res.rows[0]);
    },

    async list(origins) {
      if (origins.length === 0) return [];
      const res = await sql<RawLog>`
        select origin, log_key, tree_size, root, note, cosignature, cosigned_at
        from witness.logs where origin = any(${[...origins]}::text[]) order by origin`.execute(db);
      return res.rows.map(toLog);
    },

    async accept(log, now) {
      await database.transaction(async (trx) => {
        await sql`
          insert into witness.logs
            (origin, log_key, tree_size, root, note, cosignature, cosigned_at, first_seen_at, updated_at)
          values (${log.origin}, ${log.logKey}, ${log.treeSize}, ${log.root}, ${log.note}, ${log.cosignature},
                  ${log.cosignedAt}, ${now}, ${now})
          on conflict (origin) do update set
            tree_size = excluded.tree_size, root = excluded.root, note = excluded.note,
            cosignature = excluded.cosignature, cosigned_at = excluded.cosigned_at, updated_at = excluded.updated_at
          -- Never moves backwards, whatever a caller passes.
          where witness.logs.tree_size <= excluded.tree_size`.execute(trx);
        await sql`
          insert into witness.cosignatures (origin, tree_size, root, note, cosignature, cosigned_at)
          values (${log.origin}, ${log.treeSize}, ${log.root}, ${log.note}, ${log.cosignature}, ${log.cosignedAt})
          on conflict (origin, tree_size) do nothing`.execute(trx);
      });
    },

    async refuse(r, now) {
      await database.transaction(async (trx) => {
        const last = await sql<{ id: number; code: string; tree_size: number | null; root: Buffer | null }>`
          select id, code, tree_size, root from witness.refusals where origin = ${r.origin}
          order by last_seen_at desc, id desc limit 1 for update`.execute(trx);
        const row = last.rows[0];
        const same =
          row !== undefined &&
          row.code === r.code &&
          (row.tree_size === null ? null : Number(row.tree_size)) === r.treeSize &&
          ((row.root === null && r.root === null) ||
            (row.root !== null && r.root !== null && row.root.equals(r.root)));
        if (same) {
          await sql`update witness.refusals set last_seen_at = ${now}, occurrences = occurrences + 1
                    where id = ${row.id}`.execute(trx);
          return;
        }
        await sql`
          insert into witness.refusals
            (origin, code, message, tree_size, root, note, previous_size, previous_root, first_seen_at, last_seen_at)
          values (${r.origin}, ${r.code}, ${r.message}, ${r.treeSize}, ${r.root}, ${r.note}, ${r.previousSize},
                  ${r.previousRoot}, ${now}, ${now})`.execute(trx);
      });
    },

    async refusals(origin, limit = 100) {
      const res = await sql<{
        id: number;
        origin: string;
        code: string;
        message: string;
        tree_size: number | null;
        root: Buffer | null;
        note: string | null;
        previous_size: number | null;
        previous_root: Buffer | null;
        first_seen_at: Date;
        last_seen_at: Date;
        occurrences: number;
      }>`
        select * from witness.refusals where origin = ${origin}
        order by last_seen_at desc, id desc limit ${limit}`.execute(db);
      return res.rows.map((r) => ({
        id: Number(r.id),
        origin: r.origin,
        code: r.code,
        message: r.message,
        treeSize: r.tree_size === null ? null : Number(r.tree_size),
        root: r.root,
        note: r.note,
        previousSize: r.previous_size === null ? null : Number(r.previous_size),
        previousRoot: r.previous_root,
        firstSeenAt: r.first_seen_at,
        lastSeenAt: r.last_seen_at,
        occurrences: Number(r.occurrences),
      }));
    },
  };
}
