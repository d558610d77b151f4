/**
 * The enrichment worker (product.md F2.4, F4.7): drains the queue outside any transaction, within a
 * Box call budget per tick (on top of the connector's own per-user rate limit). Per file: one
 * `file()` read as its owner (the event's `owned_by`, else the owner the catalogue knows, else the
 * service account), and — only when the current version has not been observed yet — one
 * `fileVersions()` read; the catalogue entry and the observations of (version, sha1) pairs never seen
 * before are recorded, with their `file.version_observed` message, in one transaction. Trashed files
 * are read from the trash; a file its owner can no longer find is recorded as deleted. Failures are
 * retried with exponential back-off and the row is kept: nothing queued is dropped.
 */
import { sql } from 'kysely';
import type { EnterpriseBox } from '../../box/box-connector.ts';
import { BoxError } from '../../box/box-errors.ts';
import type { BoxFile, BoxFolder } from '../../box/box-model.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import { isGone, mapLimited } from './box-calls.ts';
import { entryFromFile, entryFromFolder, observedVersions } from './box-entries.ts';
import type { CatalogueRepository } from './catalogue-repository.ts';
import type { EnrichmentQueueRow, FileTables, FileTrx } from './file-tables.ts';
import type { MetadataCache } from './metadata-cache.ts';
import { type Observations, pairKey } from './observations.ts';
import type { OrgBoxes } from './org-boxes.ts';

export interface EnrichmentSettings {
  /** Box calls one tick may make (each item costs at most two). */
  callsPerTick: number;
  /** Items fetched at the same time. */
  concurrency: number;
  /** A claimed item is retried by another replica if not finished within this. */
  claimMs: number;
  /** Wait after an event arrived during a fetch, before fetching again (coalescing). */
  settleMs: number;
  /** Back-off of failures: base, doubled per attempt, capped. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface EnrichmentDrain {
  /** Fetches what is due within the tick's budget; returns the Box calls made. */
  tick(signal?: AbortSignal): Promise<{ items: number; calls: number }>;
  /** Items waiting (due or not). */
  pending(): Promise<number>;
}

type Outcome = 'done' | 'retry';

export function createEnrichmentDrain(d: {
  database: Database<FileTables>;
  catalogue: CatalogueRepository;
  observations: Observations;
  boxes: OrgBoxes;
  cache: MetadataCache;
  clock: Clock;
  log: Logger;
  settings: EnrichmentSettings;
}): EnrichmentDrain {
  const db = d.database.db;
  const s = d.settings;

  async function claim(limit: number): Promise<EnrichmentQueueRow[]> {
    const now = d.clock.now();
    const until = new Date(now.getTime() + s.claimMs);
    const res = await sql<EnrichmentQueueRow>`
      update file.enrichment_queue q set due_at = ${until}
      from (select org_id, item_type, item_id from file.enrichment_queue
            where due_at <= ${now} order by due_at limit ${limit} for update skip locked) c
      where q.org_id = c.org_id and q.item_type = c.item_type and q.item_id = c.item_id
      returning q.*`.execute(db);
    return res.rows;
  }

  const where = (r: EnrichmentQueueRow) =>
    sql`org_id = ${r.org_id} and item_type = ${r.item_type} and item_id = ${r.item_id}`;

  /** Removes the row unless an event bumped it meanwhile; then it waits to settle and goes again. */
  async function finish(trx: FileTrx, r: EnrichmentQueueRow) {
    const gone =
      await sql`delete from file.enrichment_queue where ${where(r)} and generation = ${r.generation}`.execute(
        trx,
      );
    if (Number(gone.numAffectedRows ?? 0) === 0) {
      const due = new Date(d.clock.now().getTime() + s.settleMs);
      await sql`update file.enrichment_queue set due_at = ${due}, attempts = 0, last_error = null
                where ${where(r)}`.execute(trx);
    }
  }

  async function fail(r: EnrichmentQueueRow, err: unknown): Promise<void> {
    const attempts = r.attempts + 1;
    const wait = Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** (attempts - 1)) * (0.75 + Math.random() / 2);
    const due = new Date(d.clock.now().getTime() + Math.ceil(wait));
    const message = (
      err instanceof BoxError ? `${err.failure}: ${err.message}` : String((err as Error)?.message ?? err)
    ).slice(0, 300);
    await sql`update file.enrichment_queue set attempts = ${attempts}, due_at = ${due}, last_error = ${message}
              where ${where(r)}`.execute(db);
    d.log.warn({ org: r.org_id, item: r.item_id, attempts, err: message }, 'enrichment failed; will retry');
  }

  async function enrichFolder(
    box: EnterpriseBox,
    r: EnrichmentQueueRow,
    owner: string | null,
    count: () => void,
  ) {
    let folder: BoxFolder | null = null;
    try {
      count();
      folder = await box.folder(r.item_id, owner ? { asUser: owner } : undefined);
    } catch (err) {
      if (!isGone(err)) throw err;
    }
    const at = d.clock.now();
    await d.database.transaction(async (trx) => {
      if (folder) await d.catalogue.record(trx, r.org_id, [entryFromFolder(folder, owner)], 'enrichment', at);
      else if (owner)
        await d.catalogue.markStatus(trx, r.org_id, { itemType: 'folder', itemId: r.item_id }, 'trashed', at);
      await finish(trx, r);
    });
  }

  async function enrichFile(
    box: EnterpriseBox,
    r: EnrichmentQueueRow,
    owner: string | null,
    count: () => void,
  ) {
    const as = owner ? { asUser: owner } : undefined;
    let file: BoxFile | null = null;
    let trashed = false;
    try {
      count();
      file = await box.file(r.item_id, as);
    } catch (err) {
      if (!isGone(err)) throw err;
      try {
        count();
        file = await box.trashedFile(r.item_id, as);
        trashed = true;
      } catch (again) {
        if (!isGone(again)) throw again;
      }
    }
    let unseen: ReturnType<typeof observedVersions> = [];
    if (file) {
      const seen = await d.observations.seenPairs(db, r.org_id, r.item_id);
      const currentSeen = !file.versionId || seen.has(pairKey(file.versionId, file.sha1));
      // Past versions are only worth a call when something new happened to the file.
      let past: Awaited<ReturnType<EnterpriseBox['fileVersions']>> = [];
      if (!currentSeen && !trashed && file.itemStatus === 'active') {
        count();
        past = await box.fileVersions(r.item_id, as);
      }
      unseen = observedVersions(file, past).filter((v) => !seen.has(pairKey(v.versionId, v.sha1)));
    }
    const at = d.clock.now();
    const found = file;
    await d.database.transaction(async (trx) => {
      if (found) {
        const entry = entryFromFile(found, owner);
        await d.catalogue.record(
          trx,
          r.org_id,
          [trashed ? { ...entry, status: 'trashed' } : entry],
          'enrichment',
          at,
        );
        await d.observations.record(trx, r.org_id, r.item_id, unseen, 'enrichment', at);
      } else if (owner) {
        // Its owner cannot find it, in the files or the trash: deleted for good.
        await d.catalogue.markStatus(trx, r.org_id, { itemType: 'file', itemId: r.item_id }, 'deleted', at);
      }
      await finish(trx, r);
    });
    d.cache.invalidate(r.org_id, r.item_id);
  }

  async function enrich(r: EnrichmentQueueRow, count: () => void): Promise<Outcome> {
    try {
      const box = await d.boxes.find(r.org_id);
      if (!box) {
        // The organisation has no Box (any more): nothing can be fetched for it.
        await d.database.transaction((trx) => finish(trx, r));
        return 'done';
      }
      const [known] = await d.catalogue.get(db, r.org_id, [{ itemType: r.item_type, itemId: r.item_id }]);
      const owner = r.owner_id ?? known?.owner_id ?? null;
      if (r.item_type === 'folder') await enrichFolder(box, r, owner, count);
      else await enrichFile(box, r, owner, count);
      return 'done';
    } catch (err) {
      await fail(r, err).catch((e) =>
        d.log.error({ err: (e as Error).message }, 'could not record an enrichment failure'),
      );
      return 'retry';
    }
  }

  return {
    async tick(signal) {
      const rows = await claim(Math.max(1, Math.floor(s.callsPerTick / 2)));
      let calls = 0;
      const count = () => {
        calls++;
      };
      await mapLimited(rows, s.concurrency, async (r) => {
        if (signal?.aborted) {
          // Stopping: hand the row back at once rather than after the claim lapses.
          await sql`update file.enrichment_queue set due_at = ${d.clock.now()} where ${where(r)}`.execute(db);
          return;
        }
        await enrich(r, count);
      });
      return { items: rows.length, calls };
    },
    async pending() {
      const res = await sql<{ n: number }>`select count(*)::int as n from file.enrichment_queue`.execute(db);
      return res.rows[0]?.n ?? 0;
    },
  };
}
