/**
 * Brings the witness's cosignatures into the ledger (docs/decisions/ledger-and-witness.md): every
 * AUDITOR_WITNESS_INTERVAL the verification service asks the witness for the latest checkpoint it
 * cosigned per origin, keeps a cosignature only when it verifies with the witness key over the
 * exact text of a checkpoint this log signed, and stores the signature line. GET /ledger/witness
 * then serves from the ledger's own table, so users see no error while the witness is down.
 */
import { createCosignatureVerifier, parseNote } from '../../ledger/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import type { WitnessClient } from '../witness/witness-client.ts';
import type { LedgerRepository } from './ledger-repository.ts';

export interface CosignatureSync {
  /** Fetches and stores new cosignatures; returns how many were stored. */
  syncOnce(): Promise<number>;
  /** The witness key: asked live, else the last one that signed a stored cosignature. */
  witnessKey(): Promise<string | null>;
}

/** The signed text of a stored note, or undefined when the stored note is not a note any more. */
function textOf(note: string): string | undefined {
  try {
    return parseNote(note).text;
  } catch {
    return undefined;
  }
}

export function createCosignatureSync(d: {
  db: AnyDb;
  repo: LedgerRepository;
  witness: () => WitnessClient | undefined;
  clock: Clock;
  log: Logger;
}): CosignatureSync {
  let knownKey: string | undefined;

  async function witnessKey(): Promise<string | null> {
    const client = d.witness();
    if (client) {
      try {
        knownKey = await client.verifierKey();
        return knownKey;
      } catch (err) {
        d.log.warn({ err: (err as Error).message }, 'witness key unavailable; serving the last known one');
      }
    }
    return knownKey ?? (await d.repo.latestWitnessKey(d.db)) ?? null;
  }

  return {
    witnessKey,
    async syncOnce() {
      const client = d.witness();
      if (!client) return 0;
      const logs = await d.repo.listLogs(d.db);
      if (logs.length === 0) return 0;
      const key = await client.verifierKey();
      knownKey = key;
      const verifier = createCosignatureVerifier(key);
      const byOrigin = new Map(logs.map((l) => [l.origin, l]));
      let stored = 0;
      for (const entry of await client.cosigned([...byOrigin.keys()])) {
        const log = byOrigin.get(entry.origin);
        if (!log) continue;
        const ours = await d.repo.checkpointAt(d.db, log.id, entry.treeSize);
        let text: string;
        let signatures: ReturnType<typeof parseNote>['signatures'];
        try {
          ({ text, signatures } = parseNote(entry.note));
        } catch (err) {
          d.log.warn({ origin: entry.origin, err: (err as Error).message }, 'witness sent a malformed note');
          continue;
        }
        if (!ours || textOf(ours.note) !== text) {
          // The witness holds a checkpoint this log has no record of signing (or another text for
          // the same size): the stored checkpoints or the witness's view were altered.
          d.log.error(
            { origin: entry.origin, treeSize: entry.treeSize },
            'witness cosigned a checkpoint that differs from the stored one',
          );
          continue;
        }
        for (const s of signatures) {
          if (s.name !== verifier.name || s.keyId !== verifier.keyId) continue;
          const seconds = verifier.verifyCosignature(text, s.base64);
          if (seconds === undefined) continue;
          const line = `\u2014 ${s.name} ${s.base64}\n`;
          const cosignedAt = new Date(seconds * 1000);
          const inserted = await d.repo.insertCosignature(
            d.db,
            { logId: log.id, treeSize: entry.treeSize, witnessKey: key, line, cosignedAt },
            d.clock.now(),
          );
          if (inserted) stored += 1;
          break;
        }
      }
      return stored;
    },
  };
}
