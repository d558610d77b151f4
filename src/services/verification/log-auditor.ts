/**
 * Full log audit (product.md F6.7), run by `auditor verify log`: recomputes each organisation's
 * tree from the stored leaf bytes and compares it with everything stored about it, so that edits
 * made directly in the database show up:
 *  - leaf bytes vs stored leaf hash (changed data), stored index vs position (deleted leaves: gaps);
 *  - the recomputed root at every checkpoint's size vs the checkpoint's root, and at the head's size
 *    vs the head (the library's `auditLog`, fed in keyset pages: O(page) memory);
 *  - every checkpoint's note: signed by the log key, for this origin, saying the row's size and
 *    root (a rewritten checkpoint has either a bad signature or a root the leaves do not give);
 *  - the tiles proofs are served from vs the stored leaf hashes (level 0) and the subtree roots
 *    above them;
 *  - every stored witness cosignature vs the checkpoint text it claims to sign.
 */
import {
  type AuditCheckpoint,
  type AuditLeaf,
  auditLog,
  createCompactRange,
  createCosignatureVerifier,
  isLedgerError,
  type NoteVerifier,
  openCheckpoint,
  parseNote,
  TILE_WIDTH,
  type TileKey,
  tileKeyId,
} from '../../ledger/index.ts';
import type { AnyDb } from '../../platform/db/database.ts';
import type { LedgerRepository, LogRow } from './ledger-repository.ts';
import { createSqlTileStore } from './tile-store.ts';

export interface LogAuditResult {
  orgId: string;
  origin: string;
  ok: boolean;
  /** Size recorded in the log's head. */
  treeSize: number;
  /** Leaves streamed (those with index below the head's size). */
  leafCount: number;
  checkpointsChecked: number;
  leafHashMismatches: Array<{ index: number; stored: string; computed: string }>;
  leafHashMismatchCount: number;
  /** Missing leaf indexes (deleted rows), as inclusive ranges. */
  indexGaps: Array<{ from: number; to: number }>;
  indexMismatchCount: number;
  rootMismatches: Array<{ treeSize: number; expected: string; computed: string }>;
  /** Checkpoints (and the head, as -1) larger than the leaves present. */
  unreachedCheckpoints: number[];
  checkpointProblems: Array<{
    treeSize: number;
    problem: 'SIGNATURE_INVALID' | 'MALFORMED' | 'NOTE_MISMATCH';
    message: string;
  }>;
  headMismatch: { treeSize: number; stored: string; computed: string } | null;
  tileMismatches: Array<{ level: number; index: number }>;
  tileMismatchCount: number;
  cosignatureProblems: Array<{ treeSize: number; problem: 'CHECKPOINT_MISSING' | 'COSIGNATURE_INVALID' }>;
}

export interface LogAuditor {
  audit(orgId: string): Promise<LogAuditResult | undefined>;
  auditAll(): Promise<LogAuditResult[]>;
  /** One organisation's log (none when it has no log), or every log: what `auditor verify log` runs. */
  run(orgId?: string): Promise<LogAuditResult[]>;
}

const MAX_REPORTED = 1000;
const HEAD_ID = 'head';

export function createLogAuditor(d: {
  db: AnyDb;
  repo: LedgerRepository;
  logVerifier: NoteVerifier;
  pageSize?: number;
}): LogAuditor {
  const pageSize = d.pageSize ?? 5000;

  async function auditOne(log: LogRow, checkpoints: Awaited<ReturnType<LedgerRepository['checkpoints']>>) {
    const checkpointProblems: LogAuditResult['checkpointProblems'] = [];
    for (const c of checkpoints) {
      try {
        const { checkpoint } = openCheckpoint(c.note, [d.logVerifier], log.origin);
        if (checkpoint.treeSize !== c.treeSize || !checkpoint.rootHash.equals(c.root)) {
          checkpointProblems.push({
            treeSize: c.treeSize,
            problem: 'NOTE_MISMATCH',
            message: `the signed note says size ${checkpoint.treeSize} and another root than the stored row`,
          });
        }
      } catch (err) {
        if (!isLedgerError(err)) throw err;
        const signature = ['LEDGER_SIGNATURE_INVALID', 'LEDGER_NOTE_UNVERIFIED'].includes(err.code);
        checkpointProblems.push({
          treeSize: c.treeSize,
          problem: signature ? 'SIGNATURE_INVALID' : 'MALFORMED',
          message: err.message,
        });
      }
    }

    const tiles = createTileChecker(createSqlTileStore(d.db, log.id));
    const indexGaps: LogAuditResult['indexGaps'] = [];
    const db = d.db;
    const repo = d.repo;
    // Pages are index ranges of the key, read one ahead: the next page's query runs while this
    // one is hashed, and at most two pages are in memory.
    async function* pages(): AsyncGenerator<AuditLeaf[]> {
      const fetchPage = (from: number) =>
        repo.leafRange(db, log.id, from, Math.min(from + pageSize, log.treeSize));
      let expected = 0;
      let next = log.treeSize > 0 ? fetchPage(0) : undefined;
      for (let from = 0; next !== undefined; from += pageSize) {
        const rows = await next;
        next = from + pageSize < log.treeSize ? fetchPage(from + pageSize) : undefined;
        for (const row of rows) {
          if (row.index !== expected && indexGaps.length < MAX_REPORTED) {
            indexGaps.push({ from: expected, to: row.index - 1 });
          }
          expected = row.index + 1;
          tiles.push(row.leafHash);
        }
        await tiles.flush();
        yield rows.map((r) => ({ data: Buffer.from(r.data, 'utf8'), hash: r.leafHash, index: r.index }));
      }
      if (expected < log.treeSize && indexGaps.length < MAX_REPORTED) {
        indexGaps.push({ from: expected, to: log.treeSize - 1 });
      }
    }

    const auditCheckpoints: AuditCheckpoint[] = [
      ...checkpoints.map((c) => ({ treeSize: c.treeSize, rootHash: c.root, id: c.treeSize })),
      { treeSize: log.treeSize, rootHash: log.root, id: HEAD_ID },
    ];
    const report = await auditLog(pages(), auditCheckpoints, { maxReported: MAX_REPORTED });
    await tiles.finish();

    const head = report.rootMismatches.find((m) => m.checkpoint.id === HEAD_ID);
    const cosignatureProblems = await checkCosignatures(log, checkpoints);
    const result: LogAuditResult = {
      orgId: log.orgId,
      origin: log.origin,
      ok: false,
      treeSize: log.treeSize,
      leafCount: report.leafCount,
      // The head is audited like a checkpoint; it is counted only when the leaves reached it.
      checkpointsChecked: report.checkpointsChecked - (report.leafCount === log.treeSize ? 1 : 0),
      leafHashMismatches: report.leafHashMismatches.map((m) => ({
        index: m.index,
        stored: m.stored.toString('base64'),
        computed: m.computed.toString('base64'),
      })),
      leafHashMismatchCount: report.leafHashMismatchCount,
      indexGaps,
      indexMismatchCount: report.indexMismatchCount,
      rootMismatches: report.rootMismatches
        .filter((m) => m.checkpoint.id !== HEAD_ID)
        .map((m) => ({
          treeSize: m.checkpoint.treeSize,
          expected: m.expected.toString('base64'),
          computed: m.computed.toString('base64'),
        })),
      unreachedCheckpoints: report.unreachedCheckpoints.map((c) => (c.id === HEAD_ID ? -1 : c.treeSize)),
      checkpointProblems,
      headMismatch: head
        ? {
            treeSize: log.treeSize,
            stored: head.expected.toString('base64'),
            computed: head.computed.toString('base64'),
          }
        : null,
      tileMismatches: tiles.mismatches,
      tileMismatchCount: tiles.mismatchCount(),
      cosignatureProblems,
    };
    result.ok =
      report.ok &&
      indexGaps.length === 0 &&
      checkpointProblems.length === 0 &&
      result.tileMismatchCount === 0 &&
      cosignatureProblems.length === 0;
    return result;
  }

  async function checkCosignatures(
    log: LogRow,
    checkpoints: Awaited<ReturnType<LedgerRepository['checkpoints']>>,
  ): Promise<LogAuditResult['cosignatureProblems']> {
    const problems: LogAuditResult['cosignatureProblems'] = [];
    const bySize = new Map(checkpoints.map((c) => [c.treeSize, c]));
    for (const s of await d.repo.cosignatures(d.db, log.id)) {
      const checkpoint = bySize.get(s.treeSize);
      if (!checkpoint) {
        problems.push({ treeSize: s.treeSize, problem: 'CHECKPOINT_MISSING' });
        continue;
      }
      let valid = false;
      try {
        const verifier = createCosignatureVerifier(s.witnessKey);
        const text = parseNote(checkpoint.note).text;
        const line = parseNote(`${text}\n${s.line}`).signatures[0];
        valid = line !== undefined && verifier.verifyCosignature(text, line.base64) !== undefined;
      } catch (err) {
        if (!isLedgerError(err)) throw err;
      }
      if (!valid) problems.push({ treeSize: s.treeSize, problem: 'COSIGNATURE_INVALID' });
    }
    return problems;
  }

  async function audit(orgId: string): Promise<LogAuditResult | undefined> {
    // Checkpoints before the head: every checkpoint read is then at most the head's size, and
    // leaves appended while the audit runs stay outside it.
    const first = await d.repo.findLog(d.db, orgId);
    if (!first) return undefined;
    const checkpoints = await d.repo.checkpoints(d.db, first.id);
    const log = (await d.repo.findLog(d.db, orgId))!;
    return auditOne(log, checkpoints);
  }

  async function auditAll(): Promise<LogAuditResult[]> {
    const out: LogAuditResult[] = [];
    for (const log of await d.repo.listLogs(d.db)) {
      const result = await audit(log.orgId);
      if (result) out.push(result);
    }
    return out;
  }

  return {
    audit,
    auditAll,
    async run(orgId) {
      if (orgId === undefined) return auditAll();
      const result = await audit(orgId);
      return result ? [result] : [];
    },
  };
}

/**
 * Recomputes the tiles from the leaf hashes in index order and compares each finished tile (and
 * the partial right edge at the end) with the stored one, a batch of tiles per query.
 */
function createTileChecker(store: ReturnType<typeof createSqlTileStore>) {
  const levels: Array<{ index: number; hashes: Buffer[] }> = [];
  let pending: Array<TileKey & { hashes: Buffer }> = [];
  const mismatches: Array<{ level: number; index: number }> = [];
  let count = 0;

  const push = (level: number, hash: Buffer): void => {
    const tile = (levels[level] ??= { index: 0, hashes: [] });
    tile.hashes.push(hash);
    if (tile.hashes.length < TILE_WIDTH) return;
    const hashes = Buffer.concat(tile.hashes);
    pending.push({ level, index: tile.index, hashes });
    const range = createCompactRange();
    for (const h of tile.hashes) range.append(h);
    levels[level] = { index: tile.index + 1, hashes: [] };
    push(level + 1, range.root());
  };

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const stored = await store.readTiles(batch);
    for (const tile of batch) {
      const found = stored.get(tileKeyId(tile.level, tile.index));
      if (found?.equals(tile.hashes)) continue;
      count += 1;
      if (mismatches.length < MAX_REPORTED) mismatches.push({ level: tile.level, index: tile.index });
    }
  };

  return {
    push: (hash: Buffer) => push(0, hash),
    flush,
    async finish() {
      for (const [level, tile] of levels.entries()) {
        if (tile && tile.hashes.length > 0) {
          pending.push({ level, index: tile.index, hashes: Buffer.concat(tile.hashes) });
        }
      }
      await flush();
    },
    mismatches,
    mismatchCount: () => count,
  };
}
