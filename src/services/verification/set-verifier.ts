/**
 * Verifying a whole audit set (product.md F6.5): every file its items allow, several at once
 * (AUDITOR_VERIFY_CONCURRENCY), each an ordinary file verification tied to the run. The run's row
 * carries the progress (total, done, counts per outcome) and is updated as files finish, so any
 * replica can answer polling and stream progress; the file results are its per-file outcomes.
 *
 * The files: a file item is itself; a folder item is listed from Box as its owner (`filesUnder`)
 * and filtered by the item's rules (`isAllowed`), plus every file its baselines recorded that the
 * listing no longer shows (deleted or moved away: those are exactly the ones to look at).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import type { ServiceClients } from '../../platform/service-module.ts';
import { isAllowed, type TopItem } from '../audit/allow-rules.ts';
import type { Requester } from '../audit/audit-client.ts';
import { mapLimited } from '../file/box-calls.ts';
import type { ItemInfo } from '../file/file-client.ts';
import type { BaselineStore } from './baseline-store.ts';
import type { FileVerifier } from './file-verifier.ts';
import type { SetRunRow, VerificationStore } from './verification-store.ts';
import type { VerificationResult } from './verification-types.ts';

/** Files one set verification covers at most. */
export const MAX_SET_FILES = 50_000;
/** The run's row is written at least this often while it runs (progress and liveness). */
const PROGRESS_EVERY_MS = 250;

export interface SetRunOptions {
  orgId: string;
  setId: string;
  /** Who asked (null: the CLI or the schedule). */
  requester: Requester | null;
  trigger: SetRunRow['trigger'];
  /** Files verified at once. */
  concurrency: number;
  /** Pause after each file (the schedule spreads its calls over the Box budget). */
  paceMs?: number;
  /** Skip these files (the schedule verifies a file once per cycle even if several sets hold it). */
  skip?: Set<string>;
  onProgress?(run: SetRunRow): void;
}

export interface SetVerifier {
  /** Throws 404 (or 403) unless the user may verify the set: any collaborator, any audit admin. */
  authorize(user: Requester, setId: string): Promise<TopItem[]>;
  /** Authorises, creates the run and starts it in the background; returns the run as it started. */
  start(o: SetRunOptions): Promise<SetRunRow>;
  /** Authorises, creates the run and runs it to the end (CLI, schedule). */
  run(o: SetRunOptions): Promise<SetRunRow>;
  /** Waits for runs started here (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops runs started here after the files in progress (they end INTERRUPTED). */
  stop(): Promise<void>;
}

/** The system's view of an organisation for the CLI and the schedule: an audit admin without a user. */
export function systemRequester(orgId: string): Requester {
  return { userId: '00000000-0000-0000-0000-000000000000', orgId, roles: ['AUDIT_ADMIN'] };
}

export function createSetVerifier(d: {
  db: AnyDb;
  store: VerificationStore;
  baselines: BaselineStore;
  verifier: FileVerifier;
  clients: Pick<ServiceClients, 'audit' | 'file'>;
  clock: Clock;
  log: Logger;
}): SetVerifier {
  const running = new Set<Promise<unknown>>();
  let stopping = false;

  async function filesOf(orgId: string, setId: string, tops: TopItem[]) {
    const files = new Map<string, ItemInfo | null>();
    for (const top of tops) {
      if (files.size >= MAX_SET_FILES) break;
      if (top.itemType === 'file') {
        files.set(top.itemId, null);
        continue;
      }
      const [folder] = await d.clients.file().items(orgId, [{ itemId: top.itemId, itemType: 'folder' }]);
      if (folder && folder.status === 'active') {
        const listed = await d.clients
          .file()
          .filesUnder(orgId, top.itemId, { asUser: folder.ownerId, max: MAX_SET_FILES - files.size });
        for (const f of listed) if (isAllowed(top, f.itemId, f.ancestorIds)) files.set(f.itemId, f);
      }
      for (const fileId of await d.baselines.filesOfSetItem(d.db, orgId, setId, top.itemId, MAX_SET_FILES)) {
        if (!files.has(fileId) && files.size < MAX_SET_FILES) files.set(fileId, null);
      }
    }
    return [...files].map(([fileId, info]) => ({ fileId, info }));
  }

  async function execute(run: SetRunRow, tops: TopItem[], o: SetRunOptions): Promise<SetRunRow> {
    const counts: Partial<Record<VerificationResult, number>> = {};
    let done = 0;
    let lastWrite = 0;
    const progress = async (force: boolean, patch: Partial<SetRunRow> = {}) => {
      const now = d.clock.now();
      if (!force && Date.now() - lastWrite < PROGRESS_EVERY_MS) return;
      lastWrite = Date.now();
      await d.store.updateRun(d.db, run.id, { done, counts: { ...counts }, updatedAt: now, ...patch });
      const current = await d.store.getRun(d.db, run.id);
      if (current) o.onProgress?.(current);
    };
    try {
      const files = (await filesOf(o.orgId, o.setId, tops)).filter((f) => !o.skip?.has(f.fileId));
      await progress(true, { total: files.length });
      await mapLimited(files, o.concurrency, async (f) => {
        if (stopping) return;
        o.skip?.add(f.fileId);
        let result: VerificationResult;
        try {
          result = (
            await d.verifier.verify({
              orgId: o.orgId,
              fileId: f.fileId,
              requester: null,
              setId: o.setId,
              trigger: o.trigger === 'schedule' ? 'schedule' : 'set',
              setVerificationId: run.id,
              info: f.info,
            })
          ).result;
        } catch (err) {
          // Not even an UNVERIFIABLE result could be kept (e.g. the database failed): counted as such.
          d.log.warn({ run: run.id, file: f.fileId, err: (err as Error).message }, 'verifying a file failed');
          result = 'UNVERIFIABLE';
        }
        counts[result] = (counts[result] ?? 0) + 1;
        done++;
        await progress(false);
        if (o.paceMs) await new Promise((r) => setTimeout(r, o.paceMs));
      });
      const now = d.clock.now();
      await progress(true, { status: stopping ? 'INTERRUPTED' : 'DONE', finishedAt: now });
    } catch (err) {
      d.log.warn({ run: run.id, set: o.setId, err: (err as Error).message }, 'a set verification failed');
      await progress(true, {
        status: 'FAILED',
        error: String((err as Error).message).slice(0, 300),
        finishedAt: d.clock.now(),
      });
    }
    return (await d.store.getRun(d.db, run.id))!;
  }

  async function begin(o: SetRunOptions): Promise<{ run: SetRunRow; tops: TopItem[] }> {
    // Any collaborator or audit admin (the audit service checks; 404 for sets one may not see).
    const tops = await d.clients.audit().setItems(o.requester ?? systemRequester(o.orgId), o.setId);
    const now = d.clock.now();
    const run: SetRunRow = {
      id: randomUUID(),
      orgId: o.orgId,
      setId: o.setId,
      requestedBy: o.requester?.userId ?? null,
      trigger: o.trigger,
      status: 'RUNNING',
      total: null,
      done: 0,
      counts: {},
      error: null,
      startedAt: now,
      updatedAt: now,
      finishedAt: null,
    };
    await d.store.insertRun(d.db, run);
    return { run, tops };
  }

  return {
    authorize: (user, setId) => d.clients.audit().setItems(user, setId),
    async start(o) {
      const { run, tops } = await begin(o);
      const task = execute(run, tops, o).finally(() => running.delete(task));
      running.add(task);
      return run;
    },
    async run(o) {
      const { run, tops } = await begin(o);
      const task = execute(run, tops, o);
      running.add(task);
      try {
        return await task;
      } finally {
        running.delete(task);
      }
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async stop() {
      stopping = true;
      await Promise.allSettled([...running]);
    },
  };
}
