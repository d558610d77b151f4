/**
 * The ledger library's `TileStore` port over `ledger.tiles`: one row per (log, level, index) in
 * its latest (widest) version. `readTiles` answers every key of one library operation with one
 * query, so a proof or an append's right edge costs one round trip; `writeTiles` upserts every
 * tile an append changed with one statement, inside the append's transaction.
 */
import { sql } from 'kysely';
import { type Tile, type TileKey, type TileStore, tileKeyId } from '../../ledger/index.ts';
import type { AnyDb, AnyTrx } from '../../platform/db/database.ts';

export interface SqlTileStore extends TileStore {
  writeTiles(tiles: readonly Tile[]): Promise<void>;
  /** Queries issued by `readTiles` (tests check that a proof costs one). */
  readonly stats: { readCalls: number; tilesRead: number };
}

export function createSqlTileStore(db: AnyDb | AnyTrx, logId: number): SqlTileStore {
  const stats = { readCalls: 0, tilesRead: 0 };
  return {
    stats,
    async readTiles(keys: readonly TileKey[]) {
      const out = new Map<string, Buffer>();
      if (keys.length === 0) return out;
      stats.readCalls += 1;
      const res = await sql<{ level: number; tile_index: number; hashes: Buffer }>`
        select t.level, t.tile_index, t.hashes
        from ledger.tiles t
        join unnest(${keys.map((k) => k.level)}::smallint[], ${keys.map((k) => k.index)}::bigint[])
          as k(level, tile_index) on t.level = k.level and t.tile_index = k.tile_index
        where t.log_id = ${logId}`.execute(db);
      stats.tilesRead += res.rows.length;
      for (const row of res.rows) out.set(tileKeyId(Number(row.level), Number(row.tile_index)), row.hashes);
      return out;
    },
    async writeTiles(tiles) {
      if (tiles.length === 0) return;
      await sql`
        insert into ledger.tiles (log_id, level, tile_index, width, hashes)
        select ${logId}, level, tile_index, width, hashes
        from unnest(${tiles.map((t) => t.level)}::smallint[], ${tiles.map((t) => t.index)}::bigint[],
                    ${tiles.map((t) => t.width)}::smallint[], ${tiles.map((t) => t.hashes)}::bytea[])
          as t(level, tile_index, width, hashes)
        on conflict (log_id, level, tile_index)
        do update set width = excluded.width, hashes = excluded.hashes`.execute(db);
    },
  };
}
