/**
 * Proof timings at 10 M leaves (quality.md P6: inclusion and consistency proofs < 5 ms each):
 *
 *  - library: `createTreeReader` over the in-memory tile store (`buildMemoryTree`), tile reads per
 *    proof counted — the algorithm alone;
 *  - PostgreSQL: the same tree's tiles written into `ledger.tiles` of a log whose head says 10 M
 *    leaves, proofs through the service's SQL tile store (one query per proof) and through the public
 *    API (`GET /api/v1/ledger/proofs/inclusion|consistency`, in-process, as an audit admin).
 *
 * Every proof is verified against the tree's roots (a wrong proof fails the run). Leaves are
 * synthetic (their hashes only: proofs never read leaf bytes).
 *
 *   node --import tsx bench/verify/proofs.ts [--size smoke|default|large] [--leaves N] [--proofs K]
 */
import { sql } from 'kysely';
import { createTreeReader, isValidConsistency, isValidInclusion, rootAt } from '../../src/ledger/index.ts';
import { buildMemoryTree, type MemoryTree, randomInt, seededRandom } from '../../src/ledger/testing.ts';
import { createSqlTileStore } from '../../src/services/verification/tile-store.ts';
import {
  benchDatabase,
  machine,
  markdownTable,
  numberArg,
  percentile,
  round,
  type Size,
  sizeArg,
  startBenchProduct,
  timed,
  writeResults,
} from '../support.ts';

const SIZES: Record<Size, number> = { smoke: 1_000_000, default: 10_000_000, large: 10_000_000 };

/** Every tile of the memory tree, level by level. */
function* tilesOf(tree: MemoryTree) {
  for (let level = 0; ; level++) {
    if (!tree.store.getTile(level, 0)) return;
    for (let index = 0; ; index++) {
      const hashes = tree.store.getTile(level, index);
      if (!hashes) break;
      yield { level, index, width: hashes.length / 32, hashes };
    }
  }
}

export async function runProofBench(size: Size, argv = process.argv) {
  const leaves = numberArg('leaves', SIZES[size], argv);
  const proofs = numberArg('proofs', 1000, argv);
  const random = seededRandom(7);
  const build = await timed(() => buildMemoryTree(leaves));
  const tree = build.value;
  const reader = createTreeReader(tree.store);
  const rows: (string | number)[][] = [];
  const stats = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return {
      p50: round(percentile(xs, 50), 3),
      p99: round(percentile(xs, 99), 3),
      max: round(xs[xs.length - 1]!, 3),
    };
  };
  const inclusionCases = Array.from({ length: proofs }, () => randomInt(random, 0, leaves - 1));
  const consistencyCases = Array.from({ length: proofs }, () => {
    const a = randomInt(random, 1, leaves - 1);
    return [a, randomInt(random, a, leaves)] as const;
  });
  const roots = new Map<number, Buffer>();
  for (const [a, b] of consistencyCases) {
    if (!roots.has(a)) roots.set(a, await rootAt(tree.store, a));
    if (!roots.has(b)) roots.set(b, await rootAt(tree.store, b));
  }

  // Library, memory tiles.
  const memInclusion: number[] = [];
  let reads = 0;
  for (const index of inclusionCases) {
    tree.store.resetStats();
    const t = await timed(() => reader.inclusionProof(index, leaves));
    reads = Math.max(reads, tree.store.stats.tilesRead);
    memInclusion.push(t.ms);
    if (
      !isValidInclusion({
        index,
        treeSize: leaves,
        leafHash: await reader.leafHashAt(index),
        proof: t.value,
        root: tree.root,
      })
    )
      throw new Error(`inclusion proof of ${index} does not verify`);
  }
  const memConsistency: number[] = [];
  for (const [a, b] of consistencyCases) {
    const t = await timed(() => reader.consistencyProof(a, b));
    memConsistency.push(t.ms);
    if (
      !isValidConsistency({ size1: a, size2: b, root1: roots.get(a)!, root2: roots.get(b)!, proof: t.value })
    )
      throw new Error(`consistency proof ${a} → ${b} does not verify`);
  }
  const mi = stats(memInclusion);
  const mc = stats(memConsistency);
  rows.push(['library, memory tiles: inclusion', proofs, mi.p50, mi.p99, mi.max, `≤ ${reads} tiles`]);
  rows.push(['library, memory tiles: consistency', proofs, mc.p50, mc.p99, mc.max, '']);

  // PostgreSQL: the same tiles in ledger.tiles, proofs through the SQL tile store and the API.
  const database = await benchDatabase('bench_proofs');
  const app = await startBenchProduct(database.url);
  const db = app.platform.pool.db;
  let writeSeconds = 0;
  try {
    const identity = app.services.identity!;
    const { organizationId: orgId } = await identity.admin.bootstrap({
      org: 'Proofs',
      email: 'proofs@bench.test',
      password: 'a bench password that is long',
    });
    const login = await app.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'proofs@bench.test', password: 'a bench password that is long' }),
    });
    const token = login.json().accessToken as string;
    const write = await timed(async () => {
      const log = await sql<{ id: number }>`
        insert into ledger.logs (org_id, origin, tree_size, root) values (${orgId}, ${`bench/${orgId}`}, ${leaves}, ${tree.root})
        returning id`.execute(db);
      const logId = Number(log.rows[0]!.id);
      let batch: ReturnType<typeof tilesOf> extends Generator<infer T> ? T[] : never = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await createSqlTileStore(db, logId).writeTiles(batch);
        batch = [];
      };
      for (const tile of tilesOf(tree)) {
        batch.push(tile);
        if (batch.length >= 1000) await flush();
      }
      await flush();
      await sql`analyze ledger.tiles`.execute(db);
      return logId;
    });
    writeSeconds = write.ms / 1000;
    const sqlReader = createTreeReader(createSqlTileStore(db, write.value));
    const sqlInclusion: number[] = [];
    for (const index of inclusionCases) {
      const t = await timed(() => sqlReader.inclusionProof(index, leaves));
      sqlInclusion.push(t.ms);
      if (
        !isValidInclusion({
          index,
          treeSize: leaves,
          leafHash: await reader.leafHashAt(index),
          proof: t.value,
          root: tree.root,
        })
      )
        throw new Error(`SQL inclusion proof of ${index} does not verify`);
    }
    const sqlConsistency: number[] = [];
    for (const [a, b] of consistencyCases) {
      const t = await timed(() => sqlReader.consistencyProof(a, b));
      sqlConsistency.push(t.ms);
    }
    const apiInclusion: number[] = [];
    const apiConsistency: number[] = [];
    const get = (url: string) =>
      app.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    for (const index of inclusionCases) {
      const t = await timed(() => get(`/api/v1/ledger/proofs/inclusion?index=${index}&treeSize=${leaves}`));
      if (t.value.statusCode !== 200) throw new Error(`API inclusion: ${t.value.statusCode} ${t.value.body}`);
      apiInclusion.push(t.ms);
    }
    for (const [a, b] of consistencyCases) {
      const t = await timed(() => get(`/api/v1/ledger/proofs/consistency?from=${a}&to=${b}`));
      if (t.value.statusCode !== 200)
        throw new Error(`API consistency: ${t.value.statusCode} ${t.value.body}`);
      const proof = t.value.json().hashes as string[];
      if (!isValidConsistency({ size1: a, size2: b, root1: roots.get(a)!, root2: roots.get(b)!, proof }))
        throw new Error(`API consistency proof ${a} → ${b} does not verify`);
      apiConsistency.push(t.ms);
    }
    const si = stats(sqlInclusion);
    const sc = stats(sqlConsistency);
    const ai = stats(apiInclusion);
    const ac = stats(apiConsistency);
    rows.push(['PostgreSQL tiles (one query): inclusion', proofs, si.p50, si.p99, si.max, '1 query']);
    rows.push(['PostgreSQL tiles (one query): consistency', proofs, sc.p50, sc.p99, sc.max, '1 query']);
    rows.push(['API GET /ledger/proofs/inclusion', proofs, ai.p50, ai.p99, ai.max, 'in-process']);
    rows.push(['API GET /ledger/proofs/consistency', proofs, ac.p50, ac.p99, ac.max, 'in-process']);
    const result = {
      size,
      leaves,
      proofs,
      machine: machine(),
      buildSeconds: round(build.ms / 1000, 1),
      tileWriteSeconds: round(writeSeconds, 1),
      maxTilesPerInclusionProof: reads,
      ms: {
        memoryInclusion: mi,
        memoryConsistency: mc,
        sqlInclusion: si,
        sqlConsistency: sc,
        apiInclusion: ai,
        apiConsistency: ac,
      },
      target: 'each < 5 ms',
    };
    const markdown = `${markdownTable(['proof at ' + leaves.toLocaleString('en') + ' leaves', 'proofs', 'P50 ms', 'P99 ms', 'max ms', 'reads'], rows)}\n\ntree built in memory in ${result.buildSeconds} s; its tiles written to PostgreSQL in ${result.tileWriteSeconds} s; target P6: each < 5 ms`;
    return { result, markdown };
  } finally {
    await app.close();
    database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const size = sizeArg();
  const { result, markdown } = await runProofBench(size);
  const path = writeResults('proofs', result);
  const m = machine();
  console.log(`proofs, size ${size}: ${m.cpus} × ${m.cpuModel}, load ${m.loadAverage1m}\n`);
  console.log(markdown);
  console.log(`\n(${path})`);
}
