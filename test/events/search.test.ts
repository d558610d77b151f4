/**
 * Event search, history, counts and exports (product.md F3.1–F3.4) against a generated fixture,
 * compared with a straightforward in-memory filter of the same fixture.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { canonicalize, type JsonValue } from '../../src/ledger/index.ts';
import { createManualClock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import type { EventTables } from '../../src/services/event/event-tables.ts';
import type { NormalizedEvent } from '../../src/services/event/normalize-event.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import {
  ACTORS,
  type FixtureEvent,
  generateFixture,
  ITEMS,
  partitionCount,
  storeFixture,
} from './fixture.ts';

const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;

interface Filter {
  from?: string;
  to?: string;
  actor?: string[];
  type?: string[];
  item?: string[];
}

/** The same search, done the obvious way. */
function expected(events: FixtureEvent[], f: Filter, order: 'asc' | 'desc', now = NOW): string[] {
  const to = f.to ? new Date(f.to) : now;
  const from = f.from ? new Date(f.from) : new Date(to.getTime() - 15 * DAY);
  const rows = events.filter(
    (e) =>
      e.createdAt >= from &&
      e.createdAt < to &&
      (!f.actor || (e.actorId !== null && f.actor.includes(e.actorId))) &&
      (!f.type || f.type.includes(e.type)) &&
      (!f.item || (e.itemId !== null && f.item.includes(e.itemId))),
  );
  rows.sort((a, b) =>
    a.createdAt.getTime() !== b.createdAt.getTime()
      ? a.createdAt.getTime() - b.createdAt.getTime()
      : a.eventId < b.eventId
        ? -1
        : a.eventId > b.eventId
          ? 1
          : 0,
  );
  if (order === 'desc') rows.reverse();
  return rows.map((e) => e.eventId);
}

function query(f: Filter, extra: Record<string, string | number> = {}): string {
  const p = new URLSearchParams();
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.actor) p.set('actor', f.actor.join(','));
  if (f.type) p.set('type', f.type.join(','));
  if (f.item) p.set('item', f.item.join(','));
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  return p.toString();
}

/** Minimal RFC 4180 parser (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const RANGES: Filter[] = [
  {},
  { from: '2025-10-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
  // Offsets in the input: the range is the same instants however they are written.
  { from: '2025-12-10T09:00:00+09:00', to: '2026-01-20T18:30:00+09:00' },
];
const ACTOR_SETS = [undefined, ['12'], ['13', '11']];
const TYPE_SETS = [undefined, ['DOWNLOAD'], ['UPLOAD', 'LOGIN', 'EDIT']];
const ITEM_SETS = [undefined, ['502'], ['504', '90', '501']];

function* combinations(): Generator<Filter> {
  for (const r of RANGES)
    for (const actor of ACTOR_SETS)
      for (const type of TYPE_SETS)
        for (const item of ITEM_SETS)
          yield { ...r, ...(actor ? { actor } : {}), ...(type ? { type } : {}), ...(item ? { item } : {}) };
}

describe('event search over a generated fixture', () => {
  let app: TestApp;
  let token: string;
  let orgId: string;
  let fixture: FixtureEvent[];
  let stored: NormalizedEvent[];

  before(async () => {
    app = await startTestApp({
      clock: createManualClock(NOW),
      env: { AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    ({ token, orgId } = await app.bootstrapAdmin('admin@search.test'));
    const other = await app.bootstrapAdmin('admin@other-org.test');
    fixture = generateFixture({ seed: 7, count: 420, start: new Date('2025-10-01T00:00:00Z'), months: 5 });
    // A Tokyo day boundary: 23:59:59 on 31 January and 00:00:00 on 1 February in Asia/Tokyo.
    const boundary = generateFixture({
      seed: 8,
      count: 2,
      start: new Date('2026-01-31T00:00:00Z'),
      months: 1,
    });
    boundary.forEach((e, i) => {
      const at = i === 0 ? '2026-01-31T14:59:59+00:00' : '2026-01-31T15:00:00+00:00';
      e.raw.created_at = at;
      e.raw.source = {
        item_type: 'file',
        item_id: '777',
        item_name: 'boundary.txt',
        parent: null,
        owned_by: null,
      };
      e.createdAt = new Date(Date.parse(at));
      e.itemId = '777';
      e.type = String(e.raw.event_type);
    });
    fixture.push(...boundary);
    const database = app.services.event!.deps.database as Database<EventTables>;
    stored = await storeFixture(database, orgId, fixture);
    // Another organisation's events never show up in this one's searches.
    await storeFixture(
      database,
      other.orgId,
      generateFixture({ seed: 9, count: 60, start: new Date('2025-10-01T00:00:00Z'), months: 5 }),
    );
  });
  after(() => app?.stop());

  async function page(path: string) {
    const res = await app.api.get(path, token);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as {
      items: { eventId: string; createdAt: string }[];
      nextCursor: string | null;
      prevCursor: string | null;
    };
  }

  /** Pages forward to the end, then back to the start, without gaps or repeats. */
  async function walk(base: string, f: Filter, order: 'asc' | 'desc', limit: number) {
    const want = expected(fixture, f, order);
    const forward: string[] = [];
    const pages: { items: { eventId: string }[]; prevCursor: string | null }[] = [];
    let cursor: string | null = null;
    let first = true;
    for (let guard = 0; guard < 1000; guard++) {
      const p = await page(`${base}?${query(f, { order, limit, ...(cursor ? { cursor } : {}) })}`);
      if (first) assert.equal(p.prevCursor, null, 'the first page has nothing before it');
      first = false;
      assert.ok(p.items.length <= limit);
      forward.push(...p.items.map((e) => e.eventId));
      pages.push(p);
      if (!p.nextCursor) break;
      assert.equal(p.items.length, limit, 'only the last page is short');
      cursor = p.nextCursor;
    }
    const label = `${base} ${query(f)} ${order}`;
    assert.deepEqual(forward, want, `forward: ${label}`);
    // Back from the last page to the start.
    const last = pages[pages.length - 1]!;
    const backward = last.items.map((e) => e.eventId);
    let back = last.prevCursor;
    for (let guard = 0; back && guard < 1000; guard++) {
      const p = await page(`${base}?${query(f, { order, limit, cursor: back })}`);
      assert.equal(p.items.length, limit, 'pages going back are full');
      assert.ok(p.nextCursor, 'a page reached going back has a next page');
      backward.unshift(...p.items.map((e) => e.eventId));
      back = p.prevCursor;
    }
    assert.deepEqual(backward, want, `backward: ${label}`);
    return want.length;
  }

  test('the fixture spans several monthly partitions', async () => {
    assert.ok((await partitionCount(app.platform.pool.db)) >= 5);
    const res = await sql<{ n: number }>`select count(distinct tableoid)::int as n from event.events`.execute(
      app.platform.pool.db,
    );
    assert.ok(res.rows[0]!.n >= 5, 'rows sit in at least five partitions');
  });

  test('every combination of range, actor, type and item returns exactly the expected events, forward and back, in both orders', async () => {
    let combos = 0;
    let nonEmpty = 0;
    for (const f of combinations()) {
      for (const order of ['asc', 'desc'] as const) {
        const n = await walk('/api/v1/events', f, order, 13);
        combos++;
        if (n > 0) nonEmpty++;
      }
    }
    assert.equal(combos, 162);
    assert.ok(nonEmpty > 120, `most combinations match something (${nonEmpty})`);
  });

  test('the default range is the last 15 days, and `to` alone moves it', async () => {
    const all = await walk('/api/v1/events', {}, 'desc', 500);
    assert.ok(all > 0);
    const to = '2026-01-15T00:00:00+09:00';
    const res = await page(`/api/v1/events?${query({ to }, { limit: 500, order: 'asc' })}`);
    assert.deepEqual(
      res.items.map((e) => e.eventId),
      expected(fixture, { from: new Date(Date.parse(to) - 15 * DAY).toISOString(), to }, 'asc'),
    );
  });

  test('events carry their normalised fields', async () => {
    const e = fixture.find((x) => x.actorId === '14' && x.itemId === '501')!;
    const res = await page(
      `/api/v1/events?${query({ from: e.createdAt.toISOString(), to: new Date(e.createdAt.getTime() + 1000).toISOString(), actor: ['14'], item: ['501'] })}`,
    );
    const dto = res.items.find((x) => x.eventId === e.eventId) as unknown as Record<string, unknown>;
    assert.ok(dto);
    assert.deepEqual(dto.actor, { id: '14', name: 'Dana, "the admin"', login: 'dana@fixture.test' });
    assert.deepEqual(dto.item, { id: '501', type: 'file', name: 'Budget 2026.xlsx', parentId: '90' });
    assert.equal(dto.createdAt, e.createdAt.toISOString());
    assert.equal(dto.type, e.type);
    assert.equal(dto.ipAddress, e.raw.ip_address);
  });

  test('per-item history reaches back past the default range, both ways', async () => {
    for (const item of [...ITEMS.map((i) => i.id), '777']) {
      const since2000 = { from: '2000-01-01T00:00:00Z' };
      const n = await walkHistory(item, since2000);
      assert.ok(n > 0, `item ${item} has history`);
    }
  });

  async function walkHistory(item: string, range: Filter) {
    let total = 0;
    for (const order of ['asc', 'desc'] as const) {
      const want = expected(fixture, { ...range, item: [item] }, order);
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const p = await page(
          `/api/v1/items/${item}/events?${query({}, { order, limit: 9, ...(cursor ? { cursor } : {}) })}`,
        );
        got.push(...p.items.map((e) => e.eventId));
        cursor = p.nextCursor;
      } while (cursor);
      assert.deepEqual(got, want, `history of ${item} ${order}`);
      total = want.length;
    }
    // With filters and a range, like any search.
    const f: Filter = {
      from: '2025-11-01T00:00:00+09:00',
      to: '2026-02-01T00:00:00+09:00',
      type: ['DOWNLOAD', 'PREVIEW'],
    };
    const p = await page(`/api/v1/items/${item}/events?${query(f, { order: 'asc', limit: 500 })}`);
    assert.deepEqual(
      p.items.map((e) => e.eventId),
      expected(fixture, { ...f, item: [item] }, 'asc'),
    );
    return total;
  }

  test('counts per day follow the requested time zone, and counts per type add up', async () => {
    const dayIn = (tz: string) => {
      const fmt = new Intl.DateTimeFormat('en-CA', {
        timeZone: tz,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      return (d: Date) => fmt.format(d);
    };
    for (const tz of ['Asia/Tokyo', 'UTC', 'America/Los_Angeles']) {
      for (const f of [
        { from: '2025-10-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
        {
          from: '2025-12-10T09:00:00+09:00',
          to: '2026-01-20T18:30:00+09:00',
          actor: ['11', '12'],
          type: ['UPLOAD', 'DOWNLOAD'],
        },
      ] as Filter[]) {
        const res = await app.api.get(`/api/v1/events/stats?${query(f, { tz })}`, token);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as {
          total: number;
          timeZone: string;
          perDay: { day: string; count: number }[];
          perType: { type: string; count: number }[];
        };
        const ids = new Set(expected(fixture, f, 'asc'));
        const rows = fixture.filter((e) => ids.has(e.eventId));
        const perDay = new Map<string, number>();
        const perType = new Map<string, number>();
        for (const e of rows) {
          perDay.set(dayIn(tz)(e.createdAt), (perDay.get(dayIn(tz)(e.createdAt)) ?? 0) + 1);
          perType.set(e.type, (perType.get(e.type) ?? 0) + 1);
        }
        assert.equal(body.timeZone, tz);
        assert.equal(body.total, rows.length);
        assert.deepEqual(
          body.perDay,
          [...perDay.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, count]) => ({ day, count })),
        );
        assert.deepEqual(new Map(body.perType.map((t) => [t.type, t.count])), perType, `per type (${tz})`);
        for (let i = 1; i < body.perType.length; i++)
          assert.ok(body.perType[i - 1]!.count >= body.perType[i]!.count, 'per type, most frequent first');
      }
    }
    // The boundary events: one on each side of midnight in Tokyo, the same UTC day.
    const boundary = async (tz: string) =>
      (
        await app.api.get(
          `/api/v1/events/stats?${query({ from: '2026-01-30T00:00:00Z', to: '2026-02-03T00:00:00Z', item: ['777'] }, { tz })}`,
          token,
        )
      ).json().perDay;
    assert.deepEqual(await boundary('Asia/Tokyo'), [
      { day: '2026-01-31', count: 1 },
      { day: '2026-02-01', count: 1 },
    ]);
    assert.deepEqual(await boundary('UTC'), [{ day: '2026-01-31', count: 2 }]);
  });

  test('CSV and JSON exports contain exactly the search, with formula cells defused', async () => {
    const byId = new Map(stored.map((e) => [e.eventId, e]));
    const filters: Filter[] = [
      { from: '2025-10-01T00:00:00Z', to: '2026-03-01T00:00:00Z' },
      { from: '2025-12-10T09:00:00+09:00', to: '2026-01-20T18:30:00+09:00', actor: ['13', '14'] },
      {
        from: '2025-10-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
        item: ['502', '503', '504'],
        type: ['EDIT', 'MOVE', 'DOWNLOAD'],
      },
      {},
    ];
    for (const f of filters) {
      for (const order of ['asc', 'desc'] as const) {
        const want = expected(fixture, f, order);
        const csv = await app.api.get(`/api/v1/events/export?${query(f, { format: 'csv', order })}`, token);
        assert.equal(csv.statusCode, 200, csv.body);
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        assert.match(String(csv.headers['content-disposition']), /attachment; filename="events-.*\.csv"/);
        const [header, ...rows] = parseCsv(csv.body);
        assert.deepEqual(header?.slice(0, 4), ['event_id', 'created_at', 'recorded_at', 'event_type']);
        const col = (name: string) => header!.indexOf(name);
        assert.deepEqual(
          rows.map((r) => r[col('event_id')]),
          want,
          `csv ${query(f)} ${order}`,
        );
        for (const r of rows) {
          const e = byId.get(r[col('event_id')]!)!;
          assert.equal(r[col('created_at')], e.createdAt.toISOString());
          assert.equal(r[col('event_type')], e.type);
          for (const [name, value] of [
            ['actor_name', e.actorName],
            ['item_name', e.itemName],
            ['actor_login', e.actorLogin],
          ] as const) {
            const cell = r[col(name)]!;
            if (value === null) assert.equal(cell, '');
            else if (/^[=+\-@]/.test(value))
              assert.equal(cell, `'${value}`, 'a formula is prefixed, never run');
            else assert.equal(cell, value);
          }
        }
        const json = await app.api.get(`/api/v1/events/export?${query(f, { format: 'json', order })}`, token);
        assert.equal(json.statusCode, 200, json.body);
        const body = json.json() as {
          meta: { from: string; to: string };
          events: { event: { eventId: string; type: string }; raw: JsonValue }[];
        };
        assert.deepEqual(
          body.events.map((x) => x.event.eventId),
          want,
          `json ${query(f)} ${order}`,
        );
        for (const x of body.events)
          assert.equal(
            canonicalize(x.raw),
            byId.get(x.event.eventId)!.raw,
            'raw is the stored canonical event',
          );
      }
    }
    // The defused cells are really there.
    const all = parseCsv(
      (
        await app.api.get(
          `/api/v1/events/export?${query({ from: '2025-10-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, { format: 'csv' })}`,
          token,
        )
      ).body,
    );
    const cells = new Set(all.flat());
    assert.ok(cells.has(`'${ACTORS[2].name}`));
    assert.ok(cells.has(`'+SUM(A1:A9)`) && cells.has(`'@risk.pdf`) && cells.has(`'-2+3.txt`));
    assert.ok(cells.has('Dana, "the admin"'), 'quotes and commas survive');
  });
});
