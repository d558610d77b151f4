/**
 * The C2SP tlog-tiles layout (c2sp.org/tlog-tiles) with tile height 8: a tile at tile-level L and
 * index N holds the hashes of the tree-level 8·L nodes N·256 … N·256 + width − 1. Level-0 tiles
 * hold leaf hashes; a level-L tile (L ≥ 1) holds the roots of full level-(L−1) tiles. Nodes at
 * tree levels between multiples of 8 are not stored: they are recomputed by hashing up inside one
 * tile (at most 128 stored hashes, 127 SHA-256 calls).
 *
 * Why tiles: any proof needs at most two tiles per tile level (see proofs.ts), so a proof over
 * 10 M leaves reads at most 6 rows of ~8 KiB, and appending only rewrites the right edge.
 *
 * Storage is a port: the ledger library never talks to a database. The verification service
 * implements `TileStore` over its own table and writes the tiles an append returns in the same
 * transaction as the leaves. Tiles are stored by (level, index) only, always in their latest
 * (widest) version: hashes of complete nodes never change, so a wider tile answers every
 * question a narrower (older) version of it could.
 */
import { LedgerError } from './errors.ts';
import {
  type BinaryHash,
  fromBinaryHash,
  HASH_SIZE,
  nodeHashBinary,
  nodeHashOfPairBinary,
} from './hashing.ts';
import type { NodeRef } from './tree-math.ts';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

export interface TileKey {
  readonly level: number;
  readonly index: number;
}

/** A tile to persist: `hashes` is `width` concatenated 32-byte hashes (width 1…256). */
export interface Tile extends TileKey {
  readonly width: number;
  readonly hashes: Buffer;
}

/**
 * Read side of the storage port. Returns the stored hashes (concatenated 32-byte hashes) of the
 * tiles that exist, keyed by `tileKeyId`; absent tiles are simply missing from the map. The
 * library calls it once per operation with all the keys that operation needs, so an
 * implementation can answer with a single query.
 */
export interface TileStore {
  readTiles(keys: readonly TileKey[]): Promise<Map<string, Buffer>>;
}

/** Map key of a tile in `TileStore.readTiles` answers. */
export function tileKeyId(level: number, index: number): string {
  return `${level}/${index}`;
}

/** How many hashes tile (level, index) holds in a tree of `treeSize` leaves (0 when it has none). */
export function tileWidthAt(level: number, index: number, treeSize: number): number {
  const nodesAtLevel = Math.floor(treeSize / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, nodesAtLevel - index * TILE_WIDTH));
}

/** The partial tiles (width 1…255) of a tree: its right edge, at most one per tile level. */
export function partialTiles(treeSize: number): Array<TileKey & { width: number }> {
  const out: Array<TileKey & { width: number }> = [];
  for (let level = 0; TILE_WIDTH ** level <= treeSize; level++) {
    const nodesAtLevel = Math.floor(treeSize / TILE_WIDTH ** level);
    const width = nodesAtLevel % TILE_WIDTH;
    if (width > 0) out.push({ level, index: Math.floor(nodesAtLevel / TILE_WIDTH), width });
  }
  return out;
}

/** Where a complete node's hash comes from: `count` stored hashes starting at `offset` of one tile. */
export interface NodeLocation {
  readonly tile: TileKey;
  readonly offset: number;
  readonly count: number;
}

export function locateNode(node: NodeRef): NodeLocation {
  const tileLevel = Math.floor(node.level / TILE_HEIGHT);
  const count = 2 ** (node.level - tileLevel * TILE_HEIGHT);
  const first = node.index * count;
  return {
    tile: { level: tileLevel, index: Math.floor(first / TILE_WIDTH) },
    offset: first % TILE_WIDTH,
    count,
  };
}

/** Merkle hash of `count` (a power of two) consecutive stored hashes starting at `offset`. */
export function hashUpInTile(hashes: Buffer, offset: number, count: number): Buffer {
  // A copy, so that a caller who mutates a proof cannot corrupt a cached tile.
  if (count === 1) return Buffer.from(hashes.subarray(offset * HASH_SIZE, (offset + 1) * HASH_SIZE));
  const level: BinaryHash[] = new Array(count / 2);
  for (let i = 0; i < count / 2; i++) level[i] = nodeHashOfPairBinary(hashes, (offset + 2 * i) * HASH_SIZE);
  for (let width = count / 2; width > 1; width /= 2) {
    for (let i = 0; i < width / 2; i++) level[i] = nodeHashBinary(level[2 * i]!, level[2 * i + 1]!);
  }
  return fromBinaryHash(level[0]!);
}

/** Which tiles, and how wide, a set of nodes needs. */
export function tilesForNodes(nodes: readonly NodeRef[]): Map<string, { key: TileKey; width: number }> {
  const needed = new Map<string, { key: TileKey; width: number }>();
  for (const node of nodes) {
    const location = locateNode(node);
    const id = tileKeyId(location.tile.level, location.tile.index);
    const width = location.offset + location.count;
    const entry = needed.get(id);
    if (entry === undefined) needed.set(id, { key: location.tile, width });
    else if (width > entry.width) entry.width = width;
  }
  return needed;
}

/**
 * Hashes of complete nodes computed from tiles already in memory (keyed by `tileKeyId`). Throws
 * LEDGER_TILE_MISSING when a tile is absent or narrower than a node needs.
 */
export function nodeHashesFromTiles(nodes: readonly NodeRef[], tiles: ReadonlyMap<string, Buffer>): Buffer[] {
  return nodes.map((node) => {
    const location = locateNode(node);
    const id = tileKeyId(location.tile.level, location.tile.index);
    const hashes = tiles.get(id);
    const width = location.offset + location.count;
    if (hashes === undefined || hashes.length % HASH_SIZE !== 0 || hashes.length < width * HASH_SIZE) {
      throw new LedgerError('LEDGER_TILE_MISSING', `tile ${id} is missing or narrower than ${width} hashes`, {
        details: { tile: id, neededWidth: width, storedBytes: hashes?.length ?? 0 },
      });
    }
    return hashUpInTile(hashes, location.offset, location.count);
  });
}

/**
 * Reads, in one `readTiles` call, every tile the given complete nodes live in and returns their
 * hashes in the same order. Completeness of the nodes in the tree size at hand is the caller's
 * business (proof and root code only ask for complete nodes).
 */
export async function readNodeHashes(store: TileStore, nodes: readonly NodeRef[]): Promise<Buffer[]> {
  if (nodes.length === 0) return [];
  const needed = tilesForNodes(nodes);
  const tiles = await store.readTiles([...needed.values()].map((entry) => entry.key));
  return nodeHashesFromTiles(nodes, tiles);
}

/**
 * The tlog-tiles resource path of a tile, `tile/<L>/<N>[.p/<W>]`, with N split into 3-digit
 * groups ("x001/x234/067"), for serving tiles to outside monitors.
 */
export function tilePath(tile: TileKey & { width: number }): string {
  let digits = String(tile.index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  const index = groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
  const suffix = tile.width < TILE_WIDTH ? `.p/${tile.width}` : '';
  return `tile/${tile.level}/${index}${suffix}`;
}

/** A `TileStore` in memory that counts what it is asked for: for tests and benchmarks. */
export interface MemoryTileStore extends TileStore {
  writeTiles(tiles: readonly Tile[]): void;
  /** Latest stored hashes of one tile, or undefined. */
  getTile(level: number, index: number): Buffer | undefined;
  readonly size: number;
  readonly stats: { readCalls: number; tilesRead: number };
  resetStats(): void;
}

export function createMemoryTileStore(): MemoryTileStore {
  const tiles = new Map<string, Buffer>();
  const stats = { readCalls: 0, tilesRead: 0 };
  return {
    async readTiles(keys) {
      stats.readCalls += 1;
      stats.tilesRead += keys.length;
      const out = new Map<string, Buffer>();
      for (const key of keys) {
        const id = tileKeyId(key.level, key.index);
        const hashes = tiles.get(id);
        if (hashes !== undefined) out.set(id, hashes);
      }
      return out;
    },
    writeTiles(written) {
      for (const tile of written) {
        if (tile.hashes.length !== tile.width * HASH_SIZE) {
          throw new LedgerError(
            'LEDGER_INVALID_ARGUMENT',
            `tile ${tileKeyId(tile.level, tile.index)} has a wrong byte length`,
          );
        }
        tiles.set(tileKeyId(tile.level, tile.index), tile.hashes);
      }
    },
    getTile(level, index) {
      return tiles.get(tileKeyId(level, index));
    },
    get size() {
      return tiles.size;
    },
    stats,
    resetStats() {
      stats.readCalls = 0;
      stats.tilesRead = 0;
    },
  };
}
