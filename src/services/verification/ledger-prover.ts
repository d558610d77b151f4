/**
 * Evidence from the ledger: leaves with their exact bytes and inclusion proofs against one signed
 * checkpoint that covers them all (signed on the spot when the latest does not), the checkpoint's
 * note with the witness's cosignature line when the witness cosigned that size, and the latest
 * cosigned checkpoint below it with a consistency proof to it — everything an offline verifier
 * needs (product.md F6.4, F6.6).
 *
 * Proofs read tiles through a cache per (log, checkpoint size): a tile read once serves every later
 * proof against that size (a set verification or a bundle proves thousands of leaves, and most of
 * their paths share tiles). Tiles of a size never change — later appends only widen the right edge,
 * which a proof at this size does not read past — so the cache needs no invalidation. Every proof is
 * checked against the checkpoint's root before it is handed out; a failure means the stored leaves
 * or tiles are not what was signed, and is raised as LedgerCorruptError.
 */
import {
  addNoteSignatureLines,
  createTreeReader,
  hashesEqual,
  isValidConsistency,
  isValidInclusion,
  type TileKey,
  type TileStore,
  tileKeyId,
} from '../../ledger/index.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import { type LeafKind, leafHashOfText } from './leaf-format.ts';
import type { CheckpointRow, LeafRow, LedgerRepository } from './ledger-repository.ts';
import type { LogDirectory, LogRef } from './log-directory.ts';
import { createSqlTileStore } from './tile-store.ts';

export interface ProvenLeaf {
  index: number;
  kind: LeafKind;
  ref: string;
  /** base64 SHA-256(0x00 || data). */
  leafHash: string;
  /** The exact leaf bytes (canonical JSON of {kind, data}). */
  data: string;
  /** RFC 9162 inclusion proof (base64) against `checkpoint.treeSize`. */
  proof: string[];
}

export interface CheckpointEvidence {
  treeSize: number;
  /** base64 root hash. */
  rootHash: string;
  /** The C2SP signed note, with the witness's cosignature line when it cosigned this size. */
  note: string;
}

export interface WitnessedEvidence {
  treeSize: number;
  /** The signed note of the latest checkpoint the witness cosigned, with its cosignature line. */
  note: string;
  /** RFC 9162 consistency proof (base64) from this size to the proving checkpoint's (empty if equal). */
  consistencyProof: string[];
}

export interface LedgerProofs {
  origin: string;
  checkpoint: CheckpointEvidence;
  witnessed: WitnessedEvidence | null;
  leaves: ProvenLeaf[];
}

/** The ledger's stored leaves, tiles or checkpoints do not agree with each other. */
export class LedgerCorruptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerCorruptError';
  }
}

export interface LedgerProver {
  /**
   * Proves leaves by index (missing indexes are an error); null when `indexes` is empty. `known`:
   * leaf rows the caller has just read (not read again; their bytes are still checked).
   */
  prove(
    orgId: string,
    indexes: readonly number[],
    known?: ReadonlyMap<number, LeafRow>,
  ): Promise<LedgerProofs | null>;
}

const MAX_CACHED_TILES = 4096;

function cachedTiles(inner: TileStore, cache: Map<string, Buffer>): TileStore {
  return {
    async readTiles(keys: readonly TileKey[]) {
      const out = new Map<string, Buffer>();
      const missing: TileKey[] = [];
      for (const k of keys) {
        const id = tileKeyId(k.level, k.index);
        const hit = cache.get(id);
        if (hit) out.set(id, hit);
        else missing.push(k);
      }
      if (missing.length > 0) {
        for (const [id, tile] of await inner.readTiles(missing)) {
          out.set(id, tile);
          if (cache.size >= MAX_CACHED_TILES) cache.delete(cache.keys().next().value!);
          cache.set(id, tile);
        }
      }
      return out;
    },
  };
}

/** How long the latest checkpoint and the witness's view are reused between proofs. */
const CONTEXT_TTL_MS = 1000;

interface CheckpointContext {
  checkpoint: CheckpointRow;
  /** The witness's cosignature line on this checkpoint, if any. */
  ownLine: string | undefined;
  cosigned: Awaited<ReturnType<LedgerRepository['latestCosigned']>>;
  readAt: number;
}

export function createLedgerProver(d: {
  db: AnyDb;
  repo: LedgerRepository;
  logs: LogDirectory;
  /** Signs the log's current size when no checkpoint covers it; returns the latest checkpoint's size. */
  signLogNow(orgId: string): Promise<number>;
}): LedgerProver {
  const caches = new Map<string, Map<string, Buffer>>();
  const cacheFor = (logId: number, treeSize: number) => {
    const key = `${logId}/${treeSize}`;
    let cache = caches.get(key);
    if (!cache) {
      // Keep the caches of the few most recent sizes only.
      if (caches.size >= 4) caches.delete(caches.keys().next().value!);
      cache = new Map();
      caches.set(key, cache);
    }
    return cache;
  };

  const contexts = new Map<number, CheckpointContext>();

  /** The latest checkpoint (signed now when it does not cover `maxIndex`) with the witness's view of it. */
  async function covering(orgId: string, log: LogRef, maxIndex: number): Promise<CheckpointContext> {
    const cached = contexts.get(log.id);
    if (cached && cached.checkpoint.treeSize > maxIndex && Date.now() - cached.readAt < CONTEXT_TTL_MS)
      return cached;
    let checkpoint = await d.repo.latestCheckpoint(d.db, log.id);
    if (!checkpoint || checkpoint.treeSize <= maxIndex) {
      await d.signLogNow(orgId);
      checkpoint = await d.repo.latestCheckpoint(d.db, log.id);
    }
    if (!checkpoint || checkpoint.treeSize <= maxIndex)
      throw new LedgerCorruptError(`no checkpoint covers leaf ${maxIndex} of ${log.origin}`);
    const context: CheckpointContext = {
      checkpoint,
      ownLine: await d.repo.cosignatureAt(d.db, log.id, checkpoint.treeSize),
      cosigned: await d.repo.latestCosigned(d.db, log.id),
      readAt: Date.now(),
    };
    contexts.set(log.id, context);
    return context;
  }

  return {
    async prove(orgId, input, known) {
      const indexes = [...new Set(input)].sort((a, b) => a - b);
      if (indexes.length === 0) return null;
      const log = await d.logs.find(orgId);
      if (!log) throw new LedgerCorruptError(`organisation ${orgId} has no log`);
      const { checkpoint, ownLine, cosigned } = await covering(orgId, log, indexes[indexes.length - 1]!);
      const size = checkpoint.treeSize;
      const reader = createTreeReader(cachedTiles(createSqlTileStore(d.db, log.id), cacheFor(log.id, size)));

      const rows = new Map<number, LeafRow>();
      for (const i of indexes) {
        const row = known?.get(i);
        if (row) rows.set(i, row);
      }
      const unread = indexes.filter((i) => !rows.has(i));
      for (let i = 0; i < unread.length; i += 1000) {
        for (const row of await d.repo.leavesAt(d.db, log.id, unread.slice(i, i + 1000)))
          rows.set(row.index, row);
      }
      const leaves: ProvenLeaf[] = [];
      for (const index of indexes) {
        const row = rows.get(index);
        if (!row) throw new LedgerCorruptError(`leaf ${index} of ${log.origin} is missing`);
        if (!hashesEqual(leafHashOfText(row.data), row.leafHash))
          throw new LedgerCorruptError(
            `leaf ${index} of ${log.origin}: its bytes do not hash to its leaf hash`,
          );
        const proof = await reader.inclusionProof(index, size);
        if (
          !isValidInclusion({ index, treeSize: size, leafHash: row.leafHash, proof, root: checkpoint.root })
        )
          throw new LedgerCorruptError(
            `leaf ${index} of ${log.origin}: the tiles do not prove it into checkpoint ${size}`,
          );
        leaves.push({
          index,
          kind: row.kind,
          ref: row.ref,
          leafHash: row.leafHash.toString('base64'),
          data: row.data,
          proof: proof.map((h) => h.toString('base64')),
        });
      }

      const note = ownLine ? addNoteSignatureLines(checkpoint.note, [ownLine]) : checkpoint.note;
      let witnessed: WitnessedEvidence | null = null;
      if (cosigned && cosigned.treeSize <= size && cosigned.treeSize > 0) {
        const consistency =
          cosigned.treeSize === size ? [] : await reader.consistencyProof(cosigned.treeSize, size);
        if (
          !isValidConsistency({
            size1: cosigned.treeSize,
            size2: size,
            root1: cosigned.root,
            root2: checkpoint.root,
            proof: consistency,
          })
        )
          throw new LedgerCorruptError(
            `${log.origin}: checkpoint ${size} is not consistent with the cosigned ${cosigned.treeSize}`,
          );
        witnessed = {
          treeSize: cosigned.treeSize,
          note: addNoteSignatureLines(cosigned.note, [cosigned.line]),
          consistencyProof: consistency.map((h) => h.toString('base64')),
        };
      }
      return {
        origin: log.origin,
        checkpoint: { treeSize: size, rootHash: checkpoint.root.toString('base64'), note },
        witnessed,
        leaves,
      };
    },
  };
}
