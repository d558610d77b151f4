/**
 * Batched append. Given the current tree size, the appender reads the right edge of the tree (at
 * most one tile per tile level, in one `readTiles` call), appends the leaf hashes in order (leaf
 * indexes are assigned in append order, starting at the old size), and returns every tile that
 * changed plus the new root. Full tiles are never read: they cannot change.
 *
 * The caller writes the returned tiles in the same transaction as the leaves (upsert by level and
 * index) and must serialise appends to one log, e.g. with a row lock on the log's head. As a
 * safety net the appender checks that the stored right edge has exactly the widths the given tree
 * size implies — a second appender or a stale size shows up as LEDGER_TILE_CONFLICT instead of a
 * silently forked tree.
 */

import { requireSafeCount } from './encoding.ts';
import { LedgerError } from './errors.ts';
import { foldFromRight, HASH_SIZE } from './hashing.ts';
import {
  hashUpInTile,
  nodeHashesFromTiles,
  TILE_WIDTH,
  type Tile,
  type TileKey,
  type TileStore,
  tileKeyId,
} from './tiles.ts';
import { coveringNodes } from './tree-math.ts';

export interface AppendResult {
  /** Index of the first appended leaf (the tree size before the append). */
  readonly firstIndex: number;
  /** Tree size after the append. */
  readonly treeSize: number;
  /** Root hash of the tree after the append. */
  readonly root: Buffer;
  /** Tiles to upsert (full tiles completed by this batch and the new partial tiles), all levels. */
  readonly tiles: Tile[];
}

export interface Appender {
  append(treeSize: number, leafHashes: readonly Uint8Array[]): Promise<AppendResult>;
}

export function createAppender(store: TileStore): Appender {
  return { append: (treeSize, leafHashes) => appendLeaves(store, treeSize, leafHashes) };
}

/** Working copy of the right-most tile of one tile level. */
interface EdgeTile {
  index: number;
  hashes: Buffer[];
  changed: boolean;
}

export async function appendLeaves(
  store: TileStore,
  treeSize: number,
  leafHashes: readonly Uint8Array[],
): Promise<AppendResult> {
  requireSafeCount(treeSize, 'tree size');
  requireSafeCount(treeSize + leafHashes.length, 'new tree size');
  for (const [i, hash] of leafHashes.entries()) {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
      throw new LedgerError(
        'LEDGER_INVALID_ARGUMENT',
        `leaf hash ${i} of the batch is not ${HASH_SIZE} bytes`,
      );
    }
  }

  const edge = await readRightEdge(store, treeSize);
  const tiles: Tile[] = [];

  const push = (level: number, hash: Buffer): void => {
    let tile = edge[level];
    if (tile === undefined) {
      // A level above the old top of the tree: its first tile starts empty.
      tile = { index: 0, hashes: [], changed: false };
      edge[level] = tile;
    }
    tile.hashes.push(hash);
    tile.changed = true;
    if (tile.hashes.length === TILE_WIDTH) {
      const hashes = Buffer.concat(tile.hashes);
      tiles.push({ level, index: tile.index, width: TILE_WIDTH, hashes });
      // Only full tiles feed the level above (tlog-tiles: partial tiles are never hashed upwards).
      const tileRoot = hashUpInTile(hashes, 0, TILE_WIDTH);
      edge[level] = { index: tile.index + 1, hashes: [], changed: false };
      push(level + 1, tileRoot);
    }
  };
  for (const hash of leafHashes) push(0, Buffer.isBuffer(hash) ? hash : Buffer.from(hash));

  const newSize = treeSize + leafHashes.length;
  const partial = new Map<string, Buffer>();
  for (const [level, tile] of edge.entries()) {
    if (tile === undefined || tile.hashes.length === 0) continue;
    const hashes = Buffer.concat(tile.hashes);
    partial.set(tileKeyId(level, tile.index), hashes);
    if (tile.changed) tiles.push({ level, index: tile.index, width: tile.hashes.length, hashes });
  }
  // Every node of the new tree's right edge lies in one of these partial tiles.
  const root = foldFromRight(nodeHashesFromTiles(coveringNodes(0, newSize), partial));
  return { firstIndex: treeSize, treeSize: newSize, root, tiles };
}

/**
 * Reads the right-most tile of every tile level of a tree of `treeSize` leaves and checks that each
 * has exactly the width that size implies (absent when that width is zero).
 */
async function readRightEdge(store: TileStore, treeSize: number): Promise<EdgeTile[]> {
  const expected: Array<TileKey & { width: number }> = [];
  for (let level = 0; TILE_WIDTH ** level <= treeSize; level++) {
    const nodesAtLevel = Math.floor(treeSize / TILE_WIDTH ** level);
    expected.push({ level, index: Math.floor(nodesAtLevel / TILE_WIDTH), width: nodesAtLevel % TILE_WIDTH });
  }
  const stored =
    expected.length === 0
      ? new Map<string, Buffer>()
      : await store.readTiles(expected.map(({ level, index }) => ({ level, index })));
  const edge: EdgeTile[] = [];
  for (const { level, index, width } of expected) {
    const id = tileKeyId(level, index);
    const hashes = stored.get(id);
    const storedWidth = hashes === undefined ? 0 : hashes.length / HASH_SIZE;
    if (storedWidth !== width) {
      throw new LedgerError(
        storedWidth > width ? 'LEDGER_TILE_CONFLICT' : 'LEDGER_TILE_MISSING',
        `tile ${id} holds ${storedWidth} hashes but a tree of ${treeSize} leaves implies ${width}`,
        { details: { tile: id, storedWidth, expectedWidth: width, treeSize } },
      );
    }
    const split: Buffer[] = [];
    for (let i = 0; i < width; i++) split.push(hashes!.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    edge[level] = { index, hashes: split, changed: false };
  }
  return edge;
}
