/**
 * The witness (product.md F6.3, architecture.md §7): every AUDITOR_WITNESS_INTERVAL, for each log
 * it can read, fetch the latest checkpoint and a consistency proof from the last one it cosigned,
 * let the library decide (`witnessCheckpoint`), then cosign and record — or refuse, record the
 * refusal, log it at error level and count it in auditor_witness_consistency_failures_total
 * (which pages). A fork (same size, other root), a rollback (smaller size), a proof that does not
 * connect the two roots, a log that cannot prove its new checkpoint, or a bad signature are refused.
 *
 * Trust: the log's verifier key is pinned on first sight of an origin and never taken from the log
 * again, so a log that starts signing with another key is refused (BAD_SIGNATURE) instead of
 * silently trusted. Network and server errors are not refusals: the witness retries next time.
 */
import {
  addNoteSignatureLines,
  type Checkpoint,
  type Cosigner,
  createNoteVerifier,
  isLedgerError,
  parseCheckpoint,
  parseNote,
  type WitnessFailureCode,
  witnessCheckpoint,
} from '../../ledger/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Metrics } from '../../platform/metrics.ts';
import { LedgerSourceError, type WatchedLog, type WitnessLedgerSource } from './ledger-source.ts';
import { REFUSALS_LIMIT, type WitnessClient } from './witness-client.ts';
import type { WitnessStore } from './witness-store.ts';

export interface WitnessOutcome {
  /** The watched log's id (organisation id, or `token-N`). */
  log: string;
  origin?: string;
  result: 'cosigned' | 'unchanged' | 'empty' | 'refused' | 'error';
  treeSize?: number;
  /** Refusal code (FORK, ROLLBACK, INCONSISTENT, BAD_SIGNATURE, MALFORMED, WRONG_ORIGIN). */
  code?: WitnessFailureCode;
  message?: string;
}

export interface Witness {
  /** One pass over every watched log. */
  runOnce(): Promise<WitnessOutcome[]>;
  /** What the witness publishes (its key and cosigned checkpoints). */
  client: WitnessClient;
  job: ReturnType<typeof createIntervalJob>;
}

export function createWitness<L extends WatchedLog>(d: {
  store: () => Promise<WitnessStore>;
  source: WitnessLedgerSource<L>;
  /** Resolved on first use, so that a process that never runs the witness never needs its key. */
  cosigner: () => Cosigner;
  clock: Clock;
  log: Logger;
  metrics: Pick<Metrics, 'witnessConsistencyFailures'>;
  intervalMs: number;
}): Witness {
  async function refuse(
    store: WitnessStore,
    log: L,
    r: { origin: string; code: WitnessFailureCode; message: string; note: string; checkpoint?: Checkpoint },
    previous: { treeSize: number; root: Buffer } | undefined,
  ): Promise<WitnessOutcome> {
    d.metrics.witnessConsistencyFailures.inc();
    d.log.error(
      {
        origin: r.origin,
        code: r.code,
        treeSize: r.checkpoint?.treeSize,
        previousSize: previous?.treeSize,
        reason: r.message,
      },
      `witness refused a checkpoint (${r.code})`,
    );
    await store.refuse(
      {
        origin: r.origin,
        code: r.code,
        message: r.message,
        treeSize: r.checkpoint?.treeSize ?? null,
        root: r.checkpoint?.rootHash ?? null,
        note: r.note,
        previousSize: previous?.treeSize ?? null,
        previousRoot: previous?.root ?? null,
      },
      d.clock.now(),
    );
    return {
      log: log.id,
      origin: r.origin,
      result: 'refused',
      code: r.code,
      message: r.message,
      ...(r.checkpoint ? { treeSize: r.checkpoint.treeSize } : {}),
    };
  }

  async function witnessLog(store: WitnessStore, log: L): Promise<WitnessOutcome> {
    const note = await d.source.latestCheckpoint(log);
    if (note === null) return { log: log.id, result: 'empty' };

    // Read the origin first (unverified) to find what was accepted for it; the decision below
    // verifies the signature before trusting anything in the note.
    let claimed: Checkpoint;
    try {
      claimed = parseCheckpoint(parseNote(note).text);
    } catch (err) {
      if (!isLedgerError(err)) throw err;
      return refuse(
        store,
        log,
        { origin: `unknown:${log.id}`, code: 'MALFORMED', message: err.message, note },
        undefined,
      );
    }
    const origin = claimed.origin;
    const previous = await store.get(origin);
    const logKey = previous?.logKey ?? (await d.source.logVerifierKey(log));

    let proof: Buffer[] = [];
    if (previous && previous.treeSize > 0 && claimed.treeSize > previous.treeSize) {
      try {
        proof = await d.source.consistencyProof(log, previous.treeSize, claimed.treeSize);
      } catch (err) {
        // The log claims a larger tree but cannot prove it extends the cosigned one (it refuses
        // the range, or answers hashes that are not hashes). Credentials, rate limits and server
        // errors are not the log's answer: they are retried.
        const refused =
          isLedgerError(err) ||
          (err instanceof LedgerSourceError && (err.status === 400 || err.status === 404));
        if (!refused) throw err;
        return refuse(
          store,
          log,
          {
            origin,
            code: 'INCONSISTENT',
            message: `no usable consistency proof from ${previous.treeSize} to ${claimed.treeSize}: ${(err as Error).message}`,
            note,
            checkpoint: claimed,
          },
          previous,
        );
      }
    }

    const now = d.clock.now();
    const decision = witnessCheckpoint({
      origin,
      logVerifier: createNoteVerifier(logKey),
      cosigner: d.cosigner(),
      previous: previous && { origin, treeSize: previous.treeSize, rootHash: previous.root },
      signedCheckpoint: note,
      consistencyProof: proof,
      now: Math.floor(now.getTime() / 1000),
    });
    if (!decision.ok) {
      return refuse(
        store,
        log,
        {
          origin,
          code: decision.code,
          message: decision.message,
          note,
          checkpoint: decision.checkpoint ?? claimed,
        },
        previous,
      );
    }
    if (previous && previous.treeSize === decision.checkpoint.treeSize) {
      return { log: log.id, origin, result: 'unchanged', treeSize: previous.treeSize };
    }
    await store.accept(
      {
        origin,
        logKey,
        treeSize: decision.checkpoint.treeSize,
        root: decision.checkpoint.rootHash,
        note,
        cosignature: decision.cosignature.line,
        cosignedAt: new Date(decision.cosignature.timestamp * 1000),
      },
      now,
    );
    d.log.info({ origin, treeSize: decision.checkpoint.treeSize }, 'witness cosigned a checkpoint');
    return { log: log.id, origin, result: 'cosigned', treeSize: decision.checkpoint.treeSize };
  }

  async function runOnce(): Promise<WitnessOutcome[]> {
    const store = await d.store();
    const outcomes: WitnessOutcome[] = [];
    for (const log of await d.source.logs()) {
      try {
        outcomes.push(await witnessLog(store, log));
      } catch (err) {
        d.log.warn(
          { log: log.id, err: (err as Error).message },
          'witness could not check a log; retrying later',
        );
        outcomes.push({ log: log.id, result: 'error', message: (err as Error).message });
      }
    }
    return outcomes;
  }

  const client: WitnessClient = {
    verifierKey: async () => d.cosigner().verifierKey,
    async cosigned(origins) {
      const store = await d.store();
      return (await store.list(origins)).map((l) => ({
        origin: l.origin,
        treeSize: l.treeSize,
        note: addNoteSignatureLines(l.note, [l.cosignature]),
        cosignedAt: l.cosignedAt.toISOString(),
      }));
    },
    async refusals(origin) {
      const store = await d.store();
      return (await store.refusals(origin, REFUSALS_LIMIT)).map((r) => ({
        code: r.code,
        message: r.message,
        treeSize: r.treeSize,
        previousSize: r.previousSize,
        firstSeenAt: r.firstSeenAt.toISOString(),
        lastSeenAt: r.lastSeenAt.toISOString(),
        occurrences: r.occurrences,
      }));
    },
  };

  const job = createIntervalJob(
    'witness',
    d.intervalMs,
    async () => {
      await runOnce();
      return false;
    },
    d.log,
  );
  return { runOnce, client, job };
}
