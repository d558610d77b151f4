/**
 * P3 (quality.md §2): event search with filters — P99 per search path over N stored events, through
 * the API (`GET /api/v1/events`, in-process inject: routing, auth, validation, SQL, DTOs), next to
 * `EXPLAIN ANALYZE` of the same SQL with the same parameters. Rows are generated inside PostgreSQL
 * with generate_series into the real partitioned table (twelve monthly partitions ending now).
 *
 *   node --import tsx bench/search/search.ts [--size smoke|default|large] [--rows N] [--queries K]
 *
 * Sizes: smoke 100k, default 1M, large 10M (opt-in; checks free disk first).
 */
import { randomUUID } from 'node:crypto';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import type { AnyDb } from '../../src/platform/db/database.ts';
import { decodeCursor } from '../../src/platform/pagination.ts';
import {
  type EventFilter,
  type SearchKey,
  type SearchPage,
  searchQuery,
} from '../../src/services/event/event-search-sql.ts';
import { prng } from '../../test/events/fixture.ts';
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
  writeResults,
} from '../support.ts';

const SIZES: Record<Size, number> = { smoke: 100_000, default: 1_000_000, large: 10_000_000 };
const QUERIES: Record<Size, number> = { smoke: 100, default: 300, large: 300 };
export const ACTORS = 200;
export const TYPES = [
  'UPLOAD',
  'DOWNLOAD',
  'PREVIEW',
  'EDIT',
  'MOVE',
  'COPY',
  'RENAME',
  'DELETE',
  'UNDELETE',
  'LOGIN',
  'SHARE',
  'UNSHARE',
  'COLLABORATION_INVITE',
  'COLLABORATION_REMOVE',
  'COLLABORATION_ROLE_CHANGE',
  'ITEM_OPEN',
  'LOCK',
  'UNLOCK',
  'COMMENT_CREATE',
  'FILE_VERSION_RESTORE',
  'METADATA_INSTANCE_CREATE',
  'ITEM_MODIFY',
  'ITEM_SHARED_UPDATE',
  'CONTENT_WORKFLOW_UPLOAD_POLICY_VIOLATION',
  'SHIELD_ALERT',
  'FAILED_LOGIN',
  'ADMIN_LOGIN',
  'GROUP_ADD_USER',
  'EDIT_USER',
  'NEW_USER',
];
export const ITEMS = 20_000;
const DAY = 86_400_000;
const PASSWORD = 'a benchmark password that is long';
const keySchema = z.object({ createdAt: z.string(), eventId: z.string() });

/** Approximate bytes per stored row with its five indexes, for the free-disk check. */
const BYTES_PER_ROW = 700;

export async function generate(url: string, orgId: string, otherOrg: string, rows: number, end: Date) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const start = new Date(end.getTime() - 365 * DAY);
    await client.query('select event.ensure_partitions($1, $2)', [start, new Date(end.getTime() + 31 * DAY)]);
    const types = `array[${TYPES.map((t) => `'${t}'`).join(',')}]`;
    const batch = 500_000;
    for (let from = 1; from <= rows; from += batch) {
      const to = Math.min(rows, from + batch - 1);
      // Spread evenly over the year; a tenth belongs to another organisation.
      await client.query(
        `insert into event.events (org_id, event_id, created_at, recorded_at, event_type, actor_id, actor_name,
           actor_login, item_id, item_type, item_name, parent_id, owner_id, ip_address, session_id, raw, leaf_hash)
         select case when i % 10 = 0 then $2::uuid else $1::uuid end,
           md5(i::text),
           $3::timestamptz + (i::double precision / $5) * interval '365 days',
           $3::timestamptz + (i::double precision / $5) * interval '365 days' + interval '30 seconds',
           (${types})[(1 + (i * 7919) % ${TYPES.length})::int],
           (100000 + (i * 104729) % ${ACTORS})::text, 'User ' || ((i * 104729) % ${ACTORS}), 'user' || ((i * 104729) % ${ACTORS}) || '@example.com',
           (5000000 + (i * 15485863) % ${ITEMS})::text, 'file', 'Document ' || ((i * 15485863) % ${ITEMS}) || '.pdf',
           (4000000 + (i * 31) % 500)::text, (100000 + (i * 13) % ${ACTORS})::text,
           '10.0.' || (i % 250) || '.' || (i % 200), md5((i / 20)::text),
           '{"type":"event","event_id":"' || md5(i::text) || '","event_type":"x","source":{"item_type":"file"}}',
           sha256(i::text::bytea)
         from generate_series($4::bigint, $6::bigint) as g(i)`,
        [orgId, otherOrg, start, from, rows, to],
      );
      process.stderr.write(`  generated ${to.toLocaleString('en')} of ${rows.toLocaleString('en')} rows\n`);
    }
    await client.query('analyze event.events');
  } finally {
    await client.end();
  }
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Plan Rows'?: number;
  Plans?: PlanNode[];
}
const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

interface Params {
  path?: string;
  from?: string;
  to?: string;
  actor?: string[];
  type?: string[];
  item?: string[];
  order?: 'asc' | 'desc';
  /** Fetch page 1 first, then time page 2 (its nextCursor). */
  secondPage?: boolean;
}

export async function runSearchBench(size: Size, argv = process.argv) {
  const rows = numberArg('rows', SIZES[size], argv);
  const queries = numberArg('queries', QUERIES[size], argv);
  const needed = rows * BYTES_PER_ROW * 2;
  const fs = statfsSync(tmpdir());
  const free = fs.bavail * fs.bsize;
  if (free < needed)
    throw new Error(
      `not enough free disk in ${tmpdir()}: ${round(free / 2 ** 30)} GiB free, about ${round(needed / 2 ** 30)} GiB needed for ${rows} rows`,
    );
  const db = await benchDatabase('bench_search');
  try {
    const product = await startBenchProduct(db.url);
    const pool: AnyDb = product.platform.pool.db;
    const identity = product.services.identity!;
    const { organizationId: orgId } = await identity.admin.bootstrap({
      org: 'Search Bench Co',
      email: 'admin@search.bench',
      password: PASSWORD,
    });
    const login = await product.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@search.bench', password: PASSWORD },
    });
    const token = login.json().accessToken as string;
    const end = new Date();
    const generatedAt = performance.now();
    await generate(db.url, orgId, randomUUID(), rows, end);
    const generateSeconds = round((performance.now() - generatedAt) / 1000);

    const r = prng(17);
    const iso = (ms: number) => new Date(ms).toISOString();
    const rangeEnding = (days: number) => {
      const to = end.getTime() - r.int(0, 365 - days) * DAY - r.int(0, DAY / 1000) * 1000;
      return { from: iso(to - days * DAY), to: iso(to) };
    };
    const actor = () => String(100000 + r.int(0, ACTORS - 1));
    const item = () => String(5000000 + r.int(0, ITEMS - 1));
    const type = () => r.pick(TYPES);
    const paths: { name: string; params: () => Params }[] = [
      { name: 'default range (last 15 days), no filter', params: () => ({}) },
      { name: 'range 1 day', params: () => rangeEnding(1) },
      { name: 'range 30 days, oldest first', params: () => ({ ...rangeEnding(30), order: 'asc' }) },
      { name: 'range 30 days, page 2 (keyset)', params: () => ({ ...rangeEnding(30), secondPage: true }) },
      { name: 'actor, 30 days', params: () => ({ ...rangeEnding(30), actor: [actor()] }) },
      { name: 'type, 30 days', params: () => ({ ...rangeEnding(30), type: [type()] }) },
      { name: 'item, 365 days', params: () => ({ ...rangeEnding(364), item: [item()] }) },
      {
        name: 'actor + type, 90 days',
        params: () => ({ ...rangeEnding(90), actor: [actor()], type: [type()] }),
      },
      { name: '3 actors, 7 days', params: () => ({ ...rangeEnding(7), actor: [actor(), actor(), actor()] }) },
      {
        name: '5 items, 365 days',
        params: () => ({ ...rangeEnding(364), item: [item(), item(), item(), item(), item()] }),
      },
      {
        name: 'item history (/items/:id/events)',
        params: () => ({ path: `/api/v1/items/${item()}/events` }),
      },
    ];

    const url = (p: Params, cursor?: string) => {
      const q = new URLSearchParams({ limit: '50' });
      if (p.from) q.set('from', p.from);
      if (p.to) q.set('to', p.to);
      if (p.actor) q.set('actor', p.actor.join(','));
      if (p.type) q.set('type', p.type.join(','));
      if (p.item) q.set('item', p.item.join(','));
      if (p.order) q.set('order', p.order);
      if (cursor) q.set('cursor', cursor);
      return `${p.path ?? '/api/v1/events'}?${q}`;
    };
    const get = async (path: string) => {
      const res = await product.app.inject({
        method: 'GET',
        url: path,
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
      return res.json() as { items: unknown[]; nextCursor: string | null };
    };
    /** The SQL the search ran, for EXPLAIN ANALYZE. */
    const sqlOf = (p: Params, cursor?: string) => {
      const to = p.to ? new Date(p.to) : new Date();
      const from = p.from
        ? new Date(p.from)
        : p.path
          ? new Date('2000-01-01T00:00:00Z')
          : new Date(to.getTime() - 15 * DAY);
      const itemIds = p.path ? [p.path.split('/')[4]!] : p.item;
      const filter: EventFilter = { from, to, actorIds: p.actor, types: p.type, itemIds };
      const keys = cursor ? decodeCursor<SearchKey>(cursor, keySchema) : {};
      const page: SearchPage = { limit: 50, order: p.order ?? 'desc', ...keys };
      return searchQuery(orgId, filter, page).compile(pool);
    };

    const table: {
      path: string;
      p50: number;
      p95: number;
      p99: number;
      explainP50: number;
      explainP99: number;
      plan: string;
      rowsSeen: number;
    }[] = [];
    for (const path of paths) {
      const latencies: number[] = [];
      const explained: number[] = [];
      const plans = new Set<string>();
      const seqScans = new Map<string, number>();
      let rowsSeen = 0;
      for (let i = 0; i < queries + 10; i++) {
        const p = path.params();
        let cursor: string | undefined;
        if (p.secondPage) cursor = (await get(url(p))).nextCursor ?? undefined;
        const t0 = performance.now();
        const page = await get(url(p, cursor));
        const ms = performance.now() - t0;
        if (i < 10) continue; // warm-up
        latencies.push(ms);
        rowsSeen += page.items.length;
        if (i % 5 === 0) {
          const compiled = sqlOf(p, cursor);
          const res = await pool.executeQuery<{ 'QUERY PLAN': unknown }>(
            CompiledQuery.raw(`explain (analyze, format json) ${compiled.sql}`, [...compiled.parameters]),
          );
          const plan = (
            res.rows[0]!['QUERY PLAN'] as {
              Plan: unknown;
              'Execution Time': number;
              'Planning Time': number;
            }[]
          )[0]!;
          explained.push(plan['Execution Time'] + plan['Planning Time']);
          const text = JSON.stringify(plan.Plan);
          // Seq scans named with their partition and row estimate (small edge partitions are cheaper read whole).
          for (const n of nodesOf(plan.Plan as PlanNode))
            if (n['Node Type'] === 'Seq Scan') {
              const rel = n['Relation Name']!;
              seqScans.set(rel, Math.max(seqScans.get(rel) ?? 0, n['Plan Rows'] ?? 0));
            }
          for (const m of text.matchAll(/"Index Name":"events_\d{4}_\d{2}_([a-z_]+?)(?:_idx)?"/g))
            plans.add(m[1]!);
        }
      }
      latencies.sort((a, b) => a - b);
      explained.sort((a, b) => a - b);
      table.push({
        path: path.name,
        p50: round(percentile(latencies, 50), 2),
        p95: round(percentile(latencies, 95), 2),
        p99: round(percentile(latencies, 99), 2),
        explainP50: round(percentile(explained, 50), 2),
        explainP99: round(percentile(explained, 99), 2),
        plan: [...plans, ...[...seqScans].map(([rel, n]) => `seq scan ${rel} (≤ ${n} rows est.)`)].join(', '),
        rowsSeen: Math.round(rowsSeen / latencies.length),
      });
    }
    await product.close();
    const count = rows;
    const result = {
      benchmark: 'search',
      size,
      at: new Date().toISOString(),
      machine: machine(),
      rows: count,
      queriesPerPath: queries,
      generateSeconds,
      paths: table,
      target: { p99Ms: 100 },
    };
    const markdown = markdownTable(
      [
        'search path (limit 50)',
        'rows/page',
        'P50 ms',
        'P95 ms',
        'P99 ms',
        'EXPLAIN ANALYZE P50 ms',
        'EXPLAIN ANALYZE P99 ms',
        'indexes used',
      ],
      table.map((t) => [t.path, t.rowsSeen, t.p50, t.p95, t.p99, t.explainP50, t.explainP99, t.plan]),
    );
    return { result, markdown };
  } finally {
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { result, markdown } = await runSearchBench(sizeArg());
  const path = writeResults('search', result);
  console.log(
    `\n### Search (P3), ${result.rows.toLocaleString('en')} events, ${result.queriesPerPath} queries per path, ${result.machine.cpus} CPUs, load ${result.machine.loadAverage1m}\n`,
  );
  console.log(markdown);
  console.log(`\n(results: ${path})`);
}
