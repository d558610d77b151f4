/**
 * Every search path of product.md F3.1 uses its index (architecture.md §4): on ≥ 100k generated rows
 * in the real partitioned table, after ANALYZE, EXPLAIN of the exact SQL the search runs shows an
 * index scan on the matching index (never a sequential scan of a partition) and only the partitions
 * the range touches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { AnyDb } from '../../src/platform/db/database.ts';
import {
  countsPerDayQuery,
  type EventFilter,
  type SearchPage,
  searchQuery,
} from '../../src/services/event/event-search-sql.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const ORG = '00000000-0000-4000-8000-00000000000a';
const OTHER_ORG = '00000000-0000-4000-8000-00000000000b';
const ROWS = 120_000;
const START = '2025-01-01T00:00:00Z';
const MONTHS = 12;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Subplans Removed'?: number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Generates the rows inside PostgreSQL (generate_series), into the real partitioned table. */
async function generate(db: AnyDb): Promise<void> {
  await sql`select event.ensure_partitions(${START}::timestamptz, ${START}::timestamptz + interval '${sql.raw(String(MONTHS - 1))} months')`.execute(
    db,
  );
  await sql`
    insert into event.events (org_id, event_id, created_at, recorded_at, event_type, actor_id, actor_name,
      actor_login, item_id, item_type, item_name, parent_id, owner_id, ip_address, raw, leaf_hash)
    select case when i % 10 = 0 then ${OTHER_ORG}::uuid else ${ORG}::uuid end,
      md5(i::text),
      ${START}::timestamptz + (i::double precision / ${ROWS}) * interval '${sql.raw(String(MONTHS * 30))} days',
      ${START}::timestamptz + (i::double precision / ${ROWS}) * interval '${sql.raw(String(MONTHS * 30))} days',
      (array['UPLOAD','DOWNLOAD','PREVIEW','EDIT','MOVE','COPY','RENAME','DELETE','UNDELETE','LOGIN',
             'SHARE','UNSHARE','COLLABORATION_INVITE','COLLABORATION_REMOVE','ITEM_OPEN','LOCK','UNLOCK',
             'COMMENT_CREATE','FILE_VERSION_RESTORE','METADATA_INSTANCE_CREATE'])[1 + (i * 7) % 20],
      (1000 + (i * 13) % 200)::text, 'user', 'user@example.com',
      (50000 + (i * 31) % 5000)::text, 'file', 'name', '1', '1', '10.0.0.1',
      '{"type":"event"}', sha256(i::text::bytea)
    from generate_series(1, ${ROWS}) as g(i)`.execute(db);
  await sql`analyze event.events`.execute(db);
}

/** Parent index of each partition's index, so plans on partitions can be named by the index we declared. */
async function parentIndexes(db: AnyDb): Promise<Map<string, string>> {
  const res = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace
    where n.nspname = 'event' and p.relkind = 'I'`.execute(db);
  return new Map(res.rows.map((r) => [r.child, r.parent]));
}

async function explain(db: AnyDb, orgId: string, f: EventFilter, page: SearchPage): Promise<PlanNode> {
  const compiled = searchQuery(orgId, f, page).compile(db);
  const res = await db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
    CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
  );
  return res.rows[0]!['QUERY PLAN'][0]!.Plan;
}

describe('search paths use their indexes on ≥ 100k rows', () => {
  let app: TestApp;
  let db: AnyDb;
  let parents: Map<string, string>;
  const range = { from: new Date('2025-05-03T00:00:00Z'), to: new Date('2025-06-20T00:00:00Z') };

  before(async () => {
    app = await startTestApp();
    db = app.platform.pool.db;
    await generate(db);
    parents = await parentIndexes(db);
  });
  after(() => app?.stop());

  test('the generated table has at least 100k rows in twelve partitions', async () => {
    const res = await sql<{ n: number; parts: number }>`
      select count(*)::int as n, count(distinct tableoid)::int as parts from event.events`.execute(db);
    assert.ok(res.rows[0]!.n >= 100_000);
    assert.equal(res.rows[0]!.parts, MONTHS);
  });

  const paths: { name: string; filter: Partial<EventFilter>; index: string }[] = [
    { name: 'range only', filter: {}, index: 'events_pkey' },
    { name: 'actor', filter: { actorIds: ['1042'] }, index: 'events_actor_idx' },
    { name: 'type', filter: { types: ['RENAME'] }, index: 'events_type_idx' },
    { name: 'item', filter: { itemIds: ['51234'] }, index: 'events_item_idx' },
  ];

  for (const p of paths) {
    for (const order of ['desc', 'asc'] as const) {
      for (const keyset of [false, true]) {
        test(`${p.name}, ${order}${keyset ? ', after a cursor' : ''}: an index scan on ${p.index}, only the partitions in range`, async () => {
          const filter: EventFilter = { ...range, ...p.filter };
          const page: SearchPage = {
            limit: 50,
            order,
            ...(keyset ? { after: { createdAt: '2025-05-20T12:00:00.000Z', eventId: 'a' } } : {}),
          };
          const plan = await explain(db, ORG, filter, page);
          const all = nodes(plan);
          const text = JSON.stringify(plan);
          assert.equal(
            all.filter((n) => n['Node Type'] === 'Seq Scan').length,
            0,
            `no sequential scan: ${text}`,
          );
          const scans = all.filter((n) => /Index( Only)? Scan/.test(n['Node Type']));
          assert.ok(scans.length > 0, `an index scan: ${text}`);
          for (const s of scans)
            assert.equal(parents.get(s['Index Name']!), p.index, `scans ${s['Index Name']}: ${text}`);
          const partitions = [...new Set(all.map((n) => n['Relation Name']).filter((r): r is string => !!r))];
          // May and June 2025; after a cursor on 20 May moving to earlier events, May alone.
          const want = keyset && order === 'desc' ? ['events_2025_05'] : ['events_2025_05', 'events_2025_06'];
          assert.deepEqual(partitions.sort(), want, 'only the partitions in range are read');
          assert.match(text, /Limit/);
        });
      }
    }
  }

  test('several values of a filter: one ordered index scan per value, each stopped by its own limit', async () => {
    const cases: [Partial<EventFilter>, string, number][] = [
      [{ actorIds: ['1001', '1002', '1003'] }, 'events_actor_idx', 3],
      [{ types: ['UPLOAD', 'EDIT'] }, 'events_type_idx', 2],
      [{ itemIds: ['50001', '50002', '50003', '50004'] }, 'events_item_idx', 4],
    ];
    for (const [filter, index, values] of cases) {
      const plan = await explain(db, ORG, { ...range, ...filter }, { limit: 50, order: 'desc' });
      const all = nodes(plan);
      const text = JSON.stringify(plan);
      assert.equal(all.filter((n) => n['Node Type'] === 'Seq Scan').length, 0, text);
      const scans = all.filter((n) => /Index( Only)? Scan/.test(n['Node Type']));
      for (const scan of scans) assert.equal(parents.get(scan['Index Name']!), index, text);
      assert.equal(
        all.filter((n) => n['Node Type'] === 'Limit').length,
        values + 1,
        `a limit per value: ${text}`,
      );
      for (const r of all.map((n) => n['Relation Name']).filter((x): x is string => !!x))
        assert.match(r, /^events_2025_0[56]$/);
    }
    // Values of several filters at once: still no sequential scan, still in range.
    const plan = await explain(
      db,
      ORG,
      { ...range, actorIds: ['1001', '1002'], types: ['UPLOAD', 'EDIT'], itemIds: ['50010', '50011'] },
      { limit: 50, order: 'asc' },
    );
    const all = nodes(plan);
    assert.equal(all.filter((n) => n['Node Type'] === 'Seq Scan').length, 0, JSON.stringify(plan));
    for (const r of all.map((n) => n['Relation Name']).filter((x): x is string => !!x))
      assert.match(r, /^events_2025_0[56]$/);
  });

  test('counts per UTC day over a fortnight (the Operations page): only the partitions in range, through the primary key once vacuumed', async () => {
    const fortnight = { from: new Date('2025-06-07T00:00:00Z'), to: new Date('2025-06-21T00:00:00Z') };
    const plan = async () => {
      const compiled = countsPerDayQuery(ORG, fortnight, 'UTC').compile(db);
      const res = await db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
        CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
      );
      const all = nodes(res.rows[0]!['QUERY PLAN'][0]!.Plan);
      return {
        all,
        text: JSON.stringify(all[0]),
        partitions: [...new Set(all.map((n) => n['Relation Name']).filter((r): r is string => !!r))],
      };
    };
    // Freshly loaded, half of June is in range: PostgreSQL may read June whole (cheaper than the
    // index then), but never another month — the range on created_at prunes the rest.
    const fresh = await plan();
    assert.deepEqual(fresh.partitions, ['events_2025_06'], `only the partition in range: ${fresh.text}`);
    // Once vacuumed (autovacuum's normal state), the count is an index-only scan of the primary key
    // (org_id, created_at, …): the day is computed from the index, no row is read.
    await sql`vacuum analyze event.events`.execute(db);
    const vacuumed = await plan();
    assert.deepEqual(vacuumed.partitions, ['events_2025_06'], vacuumed.text);
    assert.equal(vacuumed.all.filter((n) => n['Node Type'] === 'Seq Scan').length, 0, vacuumed.text);
    const scans = vacuumed.all.filter((n) => /Index( Only)? Scan/.test(n['Node Type']));
    assert.ok(scans.length > 0, `an index scan: ${vacuumed.text}`);
    for (const scan of scans) assert.equal(parents.get(scan['Index Name']!), 'events_pkey', vacuumed.text);
    // And the counts are those of the rows themselves.
    const counted = (await countsPerDayQuery(ORG, fortnight, 'UTC').execute(db)).rows;
    const direct = await sql<{ day: string; count: number }>`
      select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, count(*)::int as count from event.events
      where org_id = ${ORG} and created_at >= ${fortnight.from} and created_at < ${fortnight.to}
      group by 1 order by 1`.execute(db);
    assert.equal(counted.length, 14);
    assert.deepEqual(counted, direct.rows);
  });

  test('the plans match what the search returns', async () => {
    // The same SQL, executed: rows in range, of the organisation, in order (sanity of the EXPLAINed query).
    const rows = await searchQuery(
      ORG,
      { ...range, types: ['RENAME'] },
      { limit: 50, order: 'desc' },
    ).execute(db);
    assert.equal(rows.rows.length, 51);
    for (const r of rows.rows) {
      assert.equal(r.org_id, ORG);
      assert.equal(r.event_type, 'RENAME');
      assert.ok(r.created_at >= range.from && r.created_at < range.to);
    }
    for (let i = 1; i < rows.rows.length; i++)
      assert.ok(rows.rows[i - 1]!.created_at >= rows.rows[i]!.created_at);
  });
});
