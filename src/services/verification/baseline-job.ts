/**
 * Baselines (product.md F5.3): turns the requests the `verification.baseline` subscriber recorded
 * (baseline-requests.ts) into ledger records, and tells the audit service the item is MONITORED.
 *
 * Per `audit.item_added` request, in two steps, each retried on its own:
 *  1. Observe: a file item is read from Box as its owner (`observeFile`, source `baseline`); a folder
 *     item is listed as its owner (`filesUnder`) and every file its rules allow (`isAllowed` with the
 *     file's ancestry) is observed, several at once — the Box connector keeps the calls within the
 *     per-user budget. Each file's observations are kept in `baseline_files` as soon as they are made,
 *     so a retry after a crash or a Box failure observes only the files not done yet. The file
 *     service records the observations and announces them (`file.version_observed`); the ledger
 *     appends them through its intake like any other.
 *  2. Confirm: once every observation is a leaf of the ledger, `verification.baseline_recorded
 *     {setId, itemId, files}` is published in the same transaction that marks the request done —
 *     so MONITORED always means "the baseline is in the ledger". Observations the ledger still lacks
 *     after a long while (a refused leaf) are observed again.
 *
 * An `audit.item_removed` drops the item's pending additions; an addition that finds a later
 * removal is dropped too. Requests never block each other: each is claimed on its own, a failing one
 * backs off (1 s doubling to 5 min) while the others go on.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { isAppError } from '../../platform/errors.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import type { Logger } from '../../platform/logging.ts';
import type { MessagePayloads } from '../../platform/messaging/catalogue.ts';
import type { Publish } from '../../platform/messaging/outbox.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import { isAllowed, type TopItem } from '../audit/allow-rules.ts';
import { mapLimited } from '../file/box-calls.ts';
import type { ItemInfo } from '../file/file-client.ts';
import type { BaselineRequestRow, BaselineStore } from './baseline-store.ts';
import type { LedgerRepository } from './ledger-repository.ts';

export interface BaselineJob {
  /** Works through due requests; true when it did something (more may be waiting). */
  tick(): Promise<boolean>;
  /** Requests not done yet. */
  pending(): Promise<number>;
  job: ReturnType<typeof createIntervalJob>;
}

/** Files a folder item's baseline observes at most. */
export const MAX_BASELINE_FILES = 50_000;
const CLAIM_MS = 120_000;
const REQUESTS_PER_TICK = 4;
/** How often step 2 looks whether the ledger has appended the observations. */
const CONFIRM_POLL_MS = 200;
/** Observations still not in the ledger after this are made again. */
const REOBSERVE_AFTER_MS = 10 * 60_000;

export function createBaselineJob(d: {
  database: Database;
  repo: LedgerRepository;
  store: BaselineStore;
  clients: Pick<ServiceClients, 'file'>;
  publish: Publish;
  clock: Clock;
  log: Logger;
  concurrency: number;
  intervalMs?: number;
}): BaselineJob {
  const db = d.database.db;
  const later = (ms: number) => new Date(d.clock.now().getTime() + ms);

  async function filesOf(r: BaselineRequestRow, p: MessagePayloads['audit.item_added']): Promise<ItemInfo[]> {
    if (p.itemType === 'file') {
      return [
        {
          itemId: p.itemId,
          itemType: 'file',
          name: '',
          parentId: null,
          ancestorIds: [],
          ownerId: p.ownerBoxUserId,
          sha1: null,
          size: null,
          modifiedAt: null,
          status: 'active',
        },
      ];
    }
    let listed: ItemInfo[];
    try {
      listed = await d.clients
        .file()
        .filesUnder(r.orgId, p.itemId, { asUser: p.ownerBoxUserId, max: MAX_BASELINE_FILES });
    } catch (err) {
      // The folder is gone: the item monitors nothing (verification reports the files as deleted).
      if (isAppError(err) && err.status === 404) return [];
      throw err;
    }
    const top: TopItem = { itemId: p.itemId, itemType: 'folder', rules: p.rules };
    return listed.filter((f) => isAllowed(top, f.itemId, f.ancestorIds));
  }

  async function observe(r: BaselineRequestRow): Promise<void> {
    const p = r.payload as MessagePayloads['audit.item_added'];
    const done = new Set((await d.store.files(db, r.messageId)).map((f) => f.fileId));
    const files = (await filesOf(r, p)).filter((f) => !done.has(f.itemId));
    await mapLimited(files, d.concurrency, async (f) => {
      const o = await d.clients.file().observeFile(r.orgId, f.itemId, {
        asUser: f.ownerId ?? p.ownerBoxUserId,
        source: 'baseline',
      });
      await d.store.addFile(db, r, {
        fileId: f.itemId,
        observationIds: o.recorded.map((x) => x.observationId),
        versionIds: o.recorded.map((x) => x.versionId),
        currentVersionId: o.file?.versionId ?? null,
        observedAt: new Date(o.observedAt),
      });
    });
    await d.store.markObserved(db, r.messageId, done.size + files.length, d.clock.now());
  }

  /** True when every observation of the request is a leaf of the ledger (and announced now). */
  async function confirm(r: BaselineRequestRow): Promise<boolean> {
    const files = await d.store.files(db, r.messageId);
    const ids = files.flatMap((f) => f.observationIds);
    const log = await d.repo.findLog(db, r.orgId);
    const found = new Set<string>();
    if (log && ids.length > 0) {
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000).map((ref) => ({ kind: 'file_version' as const, ref }));
        for (const leaf of await d.repo.leavesByRefs(db, log.id, chunk)) found.add(leaf.ref);
      }
    }
    const missing = files.filter((f) => f.observationIds.some((id) => !found.has(id)));
    if (missing.length > 0) {
      const waited = d.clock.now().getTime() - (r.observedAt?.getTime() ?? 0);
      if (waited > REOBSERVE_AFTER_MS) {
        d.log.warn(
          { org: r.orgId, set: r.setId, item: r.itemId, files: missing.length },
          'baseline observations never reached the ledger; observing those files again',
        );
        await d.store.removeFiles(
          db,
          r.messageId,
          missing.map((f) => f.fileId),
        );
        await d.store.markUnobserved(db, r.messageId);
      }
      return false;
    }
    await d.database.transaction(async (trx) => {
      const now = d.clock.now();
      if (await d.store.removedAfter(trx, r)) {
        await d.store.finish(trx, r.messageId, 'dropped', files.length, now);
        return;
      }
      await d.store.finish(trx, r.messageId, 'recorded', files.length, now);
      await d.publish(trx, {
        topic: 'verification.baseline_recorded',
        key: r.setId,
        payload: {
          v: 1,
          orgId: r.orgId,
          actorId: null,
          setId: r.setId,
          itemId: r.itemId,
          files: files.length,
        },
      });
    });
    return true;
  }

  async function handle(r: BaselineRequestRow): Promise<void> {
    const now = d.clock.now();
    if (r.topic === 'audit.item_removed') {
      await d.database.transaction(async (trx) => {
        const dropped = await d.store.dropBefore(trx, r, now);
        await d.store.finish(trx, r.messageId, 'removed', null, now);
        if (dropped > 0)
          d.log.info({ set: r.setId, item: r.itemId }, 'dropped the pending baseline of a removed item');
      });
      return;
    }
    if (await d.store.removedAfter(db, r)) {
      await d.store.finish(db, r.messageId, 'dropped', null, now);
      return;
    }
    try {
      if (!r.observedAt) {
        await observe(r);
        r.observedAt = d.clock.now();
      }
      if (!(await confirm(r))) await d.store.retryLater(db, r.messageId, later(CONFIRM_POLL_MS), null, false);
    } catch (err) {
      const delay = Math.min(300_000, 1000 * 2 ** r.attempts);
      d.log.warn(
        { org: r.orgId, set: r.setId, item: r.itemId, attempt: r.attempts + 1, err: (err as Error).message },
        'recording a baseline failed; will retry',
      );
      await d.store.retryLater(
        db,
        r.messageId,
        later(delay),
        String((err as Error).message).slice(0, 300),
        true,
      );
    }
  }

  async function tick(): Promise<boolean> {
    const now = d.clock.now();
    const claimed = await d.store.claim(db, now, new Date(now.getTime() + CLAIM_MS), REQUESTS_PER_TICK);
    // Removals first: an addition claimed in the same batch must see them.
    const ordered = [
      ...claimed.filter((r) => r.topic === 'audit.item_removed'),
      ...claimed.filter((r) => r.topic === 'audit.item_added'),
    ];
    for (const r of ordered.filter((x) => x.topic === 'audit.item_removed')) await handle(r);
    await Promise.all(ordered.filter((x) => x.topic === 'audit.item_added').map((r) => handle(r)));
    return claimed.length > 0;
  }

  const job = createIntervalJob(
    'verification-baselines',
    d.intervalMs ?? 250,
    async () => {
      await tick();
      return false;
    },
    d.log,
  );
  return { tick, pending: () => d.store.pending(db), job };
}
