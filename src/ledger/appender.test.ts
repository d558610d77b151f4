import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendLeaves, createAppender } from './appender.ts';
import { leafHash } from './hashing.ts';
import { createTreeReader } from './proofs.ts';
import { randomInt, seededRandom, syntheticLeafData } from './testing.ts';
import {
  createMemoryTileStore,
  type MemoryTileStore,
  partialTiles,
  TILE_WIDTH,
  tilePath,
  tileWidthAt,
} from './tiles.ts';

const leaves = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => leafHash(syntheticLeafData(from + i)));

async function appendInBatches(store: MemoryTileStore, total: number, nextBatch: () => number) {
  let size = 0;
  let root: Buffer = Buffer.alloc(0);
  while (size < total) {
    const count = Math.min(nextBatch(), total - size);
    const result = await appendLeaves(store, size, leaves(size, count));
    store.writeTiles(result.tiles);
    size = result.treeSize;
    root = result.root;
  }
  return root;
}

function storedWidths(store: MemoryTileStore, level: number): number[] {
  const widths: number[] = [];
  for (let index = 0; store.getTile(level, index) !== undefined; index++)
    widths.push(store.getTile(level, index)!.length / 32);
  return widths;
}

test('a tree of 70,000 leaves has the tiles the tlog-tiles specification lists', async () => {
  const store = createMemoryTileStore();
  const random = seededRandom(70_000);
  await appendInBatches(store, 70_000, () => randomInt(random, 1, 3000));
  // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1 tile, one
  // partial level 1 tile of width 17, and one partial level 2 tile of width 1."
  const level0 = storedWidths(store, 0);
  assert.equal(level0.length, 274);
  assert.ok(level0.slice(0, 273).every((width) => width === TILE_WIDTH));
  assert.equal(level0[273], 112);
  assert.deepEqual(storedWidths(store, 1), [256, 17]);
  assert.deepEqual(storedWidths(store, 2), [1]);
  assert.equal(store.getTile(3, 0), undefined);
  assert.deepEqual(partialTiles(70_000), [
    { level: 0, index: 273, width: 112 },
    { level: 1, index: 1, width: 17 },
    { level: 2, index: 0, width: 1 },
  ]);
  assert.equal(tileWidthAt(0, 273, 70_000), 112);
  assert.equal(tileWidthAt(0, 12, 70_000), 256);
  assert.equal(tileWidthAt(0, 274, 70_000), 0);
});

test('a tree of 256 leaves is one full level-0 tile and a level-1 tile of width 1', async () => {
  const store = createMemoryTileStore();
  await appendInBatches(store, 256, () => 100);
  assert.deepEqual(storedWidths(store, 0), [256]);
  assert.deepEqual(storedWidths(store, 1), [1]);
  assert.deepEqual(partialTiles(256), [{ level: 1, index: 0, width: 1 }]);
});

test('the tiles and roots do not depend on how leaves are batched', async () => {
  const random = seededRandom(9);
  const total = 5_000;
  const one = createMemoryTileStore();
  const rootOne = await appendInBatches(one, total, () => total);
  const singles = createMemoryTileStore();
  const rootSingles = await appendInBatches(singles, total, () => 1);
  const mixed = createMemoryTileStore();
  const rootMixed = await appendInBatches(mixed, total, () => randomInt(random, 1, 700));
  assert.deepEqual(rootSingles, rootOne);
  assert.deepEqual(rootMixed, rootOne);
  for (const store of [singles, mixed]) {
    assert.equal(store.size, one.size);
    for (const level of [0, 1]) {
      for (let index = 0; one.getTile(level, index) !== undefined; index++) {
        assert.deepEqual(store.getTile(level, index), one.getTile(level, index), `tile ${level}/${index}`);
      }
    }
  }
});

test('an append reads only the right edge of the tree, in one call', async () => {
  const store = createMemoryTileStore();
  const appender = createAppender(store);
  const random = seededRandom(11);
  let size = 0;
  while (size < 140_000) {
    const count = randomInt(random, 1, 20_000);
    store.resetStats();
    const result = await appender.append(size, leaves(size, count));
    assert.equal(store.stats.readCalls, size === 0 ? 0 : 1);
    // One tile per tile level at most: never any of the full tiles behind the edge.
    const levels = size === 0 ? 0 : Math.floor(Math.log2(size) / 8) + 1;
    assert.ok(store.stats.tilesRead <= levels, `append at ${size} read ${store.stats.tilesRead} tiles`);
    store.writeTiles(result.tiles);
    size = result.treeSize;
  }
});

test('an append returns only the tiles it changed, each once', async () => {
  const store = createMemoryTileStore();
  await appendInBatches(store, 1000, () => 1000);
  // 1000 = 3·256 + 232; appending 50 fills tile 0/3 and starts 0/4, and adds one hash to 1/0.
  const result = await appendLeaves(store, 1000, leaves(1000, 50));
  const keys = result.tiles.map((tile) => `${tile.level}/${tile.index}:${tile.width}`).sort();
  assert.deepEqual(keys, ['0/3:256', '0/4:26', '1/0:4']);
  for (const tile of result.tiles) assert.equal(tile.hashes.length, tile.width * 32);
});

test('leaf indexes are assigned in append order', async () => {
  const store = createMemoryTileStore();
  const first = leaves(0, 300);
  const r1 = await appendLeaves(store, 0, first);
  store.writeTiles(r1.tiles);
  const second = leaves(300, 5);
  const r2 = await appendLeaves(store, r1.treeSize, second);
  store.writeTiles(r2.tiles);
  assert.equal(r1.firstIndex, 0);
  assert.equal(r2.firstIndex, 300);
  const reader = createTreeReader(store);
  for (const [i, hash] of [...first, ...second].entries()) assert.deepEqual(await reader.leafHashAt(i), hash);
  assert.deepEqual(await reader.rootAt(305), r2.root);
  assert.deepEqual(await reader.rootAt(300), r1.root);
});

test('an empty batch returns the current root and no tiles', async () => {
  const store = createMemoryTileStore();
  await appendInBatches(store, 777, () => 100);
  const result = await appendLeaves(store, 777, []);
  assert.deepEqual(result.tiles, []);
  assert.deepEqual(result.root, await createTreeReader(store).rootAt(777));
  const empty = await appendLeaves(createMemoryTileStore(), 0, []);
  assert.equal(
    empty.root.toString('hex'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
});

test('a stale or too large tree size is refused instead of forking the tree', async () => {
  const store = createMemoryTileStore();
  await appendInBatches(store, 600, () => 600);
  // Someone else appended already: the stored edge is wider than size 590 implies.
  await assert.rejects(appendLeaves(store, 590, leaves(590, 1)), { code: 'LEDGER_TILE_CONFLICT' });
  // At a tile boundary the next tile must not exist yet.
  const aligned = createMemoryTileStore();
  await appendInBatches(aligned, 520, () => 520);
  await assert.rejects(appendLeaves(aligned, 512, leaves(512, 1)), { code: 'LEDGER_TILE_CONFLICT' });
  // A size the store never reached.
  await assert.rejects(appendLeaves(store, 700, leaves(700, 1)), { code: 'LEDGER_TILE_MISSING' });
  await assert.rejects(appendLeaves(store, 600, [Buffer.alloc(31)]), { code: 'LEDGER_INVALID_ARGUMENT' });
  await assert.rejects(appendLeaves(store, -1, []), { code: 'LEDGER_INVALID_ARGUMENT' });
});

test('tile paths follow the tlog-tiles naming', () => {
  assert.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067');
  assert.equal(tilePath({ level: 1, index: 5, width: 17 }), 'tile/1/005.p/17');
  assert.equal(tilePath({ level: 2, index: 1000, width: 256 }), 'tile/2/x001/000');
});
