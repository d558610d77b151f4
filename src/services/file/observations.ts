/**
 * Version observations (product.md F4.7): what Box showed of a file's versions, when, and through
 * which path (enrichment, a baseline, a verification). Each is written in the same transaction as the
 * `file.version_observed` message announcing it, with the leaf hash of exactly the bytes the ledger
 * will append (leaf-format.ts), so the ledger can refuse anything that differs.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Publish } from '../../platform/messaging/outbox.ts';
import { fileVersionLeafText, leafHashOfText } from '../verification/leaf-format.ts';
import type { RecordedObservation } from './file-client.ts';
import type { FileDb, FileTrx, ObservationRow, ObservationSource } from './file-tables.ts';

export interface ObservedVersion {
  versionId: string;
  sha1: string;
  size: number | null;
  /** ISO 8601 in UTC with milliseconds (normalised so the stored row gives back the same text). */
  modifiedAt: string | null;
}

export interface CopyCandidate {
  file_id: string;
  version_id: string;
  seen_at: Date;
  name: string | null;
  path_names: string[] | null;
  ancestor_ids: string[] | null;
  status: string | null;
  owner_id: string | null;
  current_version_id: string | null;
}

export interface Observations {
  /** `versionId:sha1` pairs already observed for the file, from any source. */
  seenPairs(db: FileDb | FileTrx, orgId: string, fileId: string): Promise<Set<string>>;
  /**
   * Records the versions and announces them. Enrichment records each (version, sha1) pair once (a
   * concurrent drain that got there first wins and nothing is announced twice); baselines and
   * verifications record every call.
   */
  record(
    trx: FileTrx,
    orgId: string,
    fileId: string,
    versions: ObservedVersion[],
    source: ObservationSource,
    observedAt: Date,
  ): Promise<RecordedObservation[]>;
  /** Files and versions with this sha1 other than `fileId`, in (file id, version id) order after `after`. */
  copies(
    db: FileDb,
    orgId: string,
    sha1: string,
    fileId: string,
    page: { after?: [string, string]; limit: number },
  ): Promise<CopyCandidate[]>;
  /** Observations whose ledger position is still unknown, oldest first, after a keyset position. */
  unreconciled(db: FileDb, limit: number, after: { at: Date; id: string } | null): Promise<ObservationRow[]>;
  setLeafIndexes(db: FileDb, rows: { observationId: string; leafIndex: number }[]): Promise<void>;
}

export const pairKey = (versionId: string, sha1: string) => `${versionId}:${sha1.toLowerCase()}`;

/** Box times (any offset, second precision) as the one text the leaf and the stored row agree on. */
export function isoOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** Observations per message: a file with thousands of versions still gives bounded messages. */
const PER_MESSAGE = 500;

/** The leaf text of a stored observation, recomputed from its row (reconciliation compares it). */
export function leafTextOfRow(r: ObservationRow): string {
  return fileVersionLeafText({
    observationId: r.observation_id,
    fileId: r.file_id,
    versionId: r.version_id,
    sha1: r.sha1,
    size: r.size,
    modifiedAt: r.modified_at?.toISOString() ?? null,
    observedAt: r.observed_at.toISOString(),
    source: r.source,
  });
}

export function createObservations(publish: Publish): Observations {
  return {
    async seenPairs(db, orgId, fileId) {
      const rows = await db
        .selectFrom('file.observations')
        .select(['version_id', 'sha1'])
        .distinct()
        .where('org_id', '=', orgId)
        .where('file_id', '=', fileId)
        .execute();
      return new Set(rows.map((r) => pairKey(r.version_id, r.sha1)));
    },

    async record(trx, orgId, fileId, versions, source, observedAt) {
      if (versions.length === 0) return [];
      const at = observedAt.toISOString();
      const prepared = versions.map((v) => {
        const o = {
          observationId: randomUUID(),
          fileId,
          versionId: v.versionId,
          sha1: v.sha1.toLowerCase(),
          size: v.size,
          modifiedAt: v.modifiedAt,
          observedAt: at,
          source,
        };
        return { ...o, leafHash: leafHashOfText(fileVersionLeafText(o)) };
      });
      const inserted = new Set<string>();
      for (let i = 0; i < prepared.length; i += PER_MESSAGE) {
        const rows = prepared.slice(i, i + PER_MESSAGE).map((o) => ({
          observation_id: o.observationId,
          org_id: orgId,
          file_id: o.fileId,
          version_id: o.versionId,
          sha1: o.sha1,
          size: o.size,
          modified_at: o.modifiedAt ? new Date(o.modifiedAt) : null,
          observed_at: observedAt,
          source,
          leaf_hash: o.leafHash,
          leaf_index: null,
        }));
        const q = trx.insertInto('file.observations').values(rows);
        const res = await (source === 'enrichment'
          ? q.onConflict((oc) =>
              oc
                .columns(['org_id', 'file_id', 'version_id', 'sha1'])
                .where('source', '=', 'enrichment')
                .doNothing(),
            )
          : q
        )
          .returning('observation_id')
          .execute();
        for (const r of res) inserted.add(r.observation_id);
      }
      const recorded = prepared.filter((o) => inserted.has(o.observationId));
      for (let i = 0; i < recorded.length; i += PER_MESSAGE) {
        await publish(trx, {
          topic: 'file.version_observed',
          key: orgId,
          payload: {
            v: 1,
            orgId,
            actorId: null,
            observations: recorded.slice(i, i + PER_MESSAGE).map((o) => ({
              observationId: o.observationId,
              fileId: o.fileId,
              versionId: o.versionId,
              sha1: o.sha1,
              size: o.size,
              modifiedAt: o.modifiedAt,
              observedAt: o.observedAt,
              source: o.source,
              leafHash: o.leafHash.toString('base64'),
            })),
          },
        });
      }
      return recorded.map((o) => ({
        observationId: o.observationId,
        versionId: o.versionId,
        sha1: o.sha1,
        leafHash: o.leafHash.toString('base64'),
      }));
    },

    async copies(db, orgId, sha1, fileId, page) {
      const after = page.after ?? ['', ''];
      const res = await sql<CopyCandidate>`
        with matches as (
          select file_id, version_id, max(seen_at) as seen_at from (
            select file_id, version_id, observed_at as seen_at from file.observations
            where org_id = ${orgId} and sha1 = ${sha1} and file_id <> ${fileId}
            union all
            select item_id, version_id, fetched_at from file.items
            where org_id = ${orgId} and item_type = 'file' and sha1 = ${sha1} and item_id <> ${fileId}
              and version_id is not null
          ) m
          where (file_id, version_id) > (${after[0]}, ${after[1]})
          group by file_id, version_id
          order by file_id, version_id
          limit ${page.limit}
        )
        select m.file_id, m.version_id, m.seen_at, i.name, i.path_names, i.ancestor_ids, i.status, i.owner_id,
               i.version_id as current_version_id
        from matches m
        left join file.items i on i.org_id = ${orgId} and i.item_type = 'file' and i.item_id = m.file_id
        order by m.file_id, m.version_id`.execute(db);
      return res.rows;
    },

    async unreconciled(db, limit, after) {
      let q = db
        .selectFrom('file.observations')
        .selectAll()
        .where('leaf_index', 'is', null)
        .orderBy('observed_at')
        .orderBy('observation_id')
        .limit(limit);
      if (after) {
        const { at, id } = after;
        q = q.where((eb) =>
          eb.or([
            eb('observed_at', '>', at),
            eb.and([eb('observed_at', '=', at), eb('observation_id', '>', id)]),
          ]),
        );
      }
      return q.execute();
    },

    async setLeafIndexes(db, rows) {
      if (rows.length === 0) return;
      await sql`
        update file.observations o set leaf_index = v.leaf_index
        from unnest(${rows.map((r) => r.observationId)}::uuid[], ${rows.map((r) => r.leafIndex)}::bigint[])
          as v(observation_id, leaf_index)
        where o.observation_id = v.observation_id and o.leaf_index is null`.execute(db);
    },
  };
}
