/**
 * A generated fixture of Box-shaped enterprise events (seeded, deterministic): several actors, types
 * and items, spread over several months (so several partitions), with ties on created_at, events
 * without an item or an actor, a Tokyo day boundary, and names a spreadsheet would run as formulas.
 * Stored through the event store exactly as ingestion stores them.
 */
import { randomUUID } from 'node:crypto';
import type { RawBoxEvent } from '../../src/box/box-model.ts';
import type { AnyDb, Database } from '../../src/platform/db/database.ts';
import { createEventStore } from '../../src/services/event/event-store.ts';
import type { EventTables } from '../../src/services/event/event-tables.ts';
import { type NormalizedEvent, normalizeEvent } from '../../src/services/event/normalize-event.ts';

/** Small seeded PRNG (mulberry32). */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    hex: (n: number) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join(''),
  };
}

export const ACTORS = [
  { id: '11', name: 'Akiko Tanaka', login: 'akiko@fixture.test' },
  { id: '12', name: 'Marcus Webb', login: 'marcus@fixture.test' },
  { id: '13', name: '=HYPERLINK("http://evil.test","x")', login: 'formula@fixture.test' },
  { id: '14', name: 'Dana, "the admin"', login: 'dana@fixture.test' },
] as const;
export const ITEM_TYPES = ['UPLOAD', 'DOWNLOAD', 'PREVIEW', 'EDIT', 'MOVE', 'DELETE'] as const;
export const OTHER_TYPES = ['LOGIN'] as const;
export const ITEMS = [
  { id: '501', type: 'file', name: 'Budget 2026.xlsx', parent: '90' },
  { id: '502', type: 'file', name: '+SUM(A1:A9)', parent: '90' },
  { id: '503', type: 'file', name: '@risk.pdf', parent: '91' },
  { id: '504', type: 'file', name: '-2+3.txt', parent: '91' },
  { id: '90', type: 'folder', name: 'Finance', parent: '0' },
] as const;

export interface FixtureEvent {
  raw: RawBoxEvent;
  eventId: string;
  createdAt: Date;
  type: string;
  actorId: string | null;
  itemId: string | null;
}

const boxTime = (d: Date) => `${d.toISOString().slice(0, 19)}+00:00`;

/** Events from `start` over `months` months; a few share a created_at with the one before. */
export function generateFixture(o: {
  seed: number;
  count: number;
  start: Date;
  months: number;
}): FixtureEvent[] {
  const r = prng(o.seed);
  const span = Date.UTC(o.start.getUTCFullYear(), o.start.getUTCMonth() + o.months, 1) - o.start.getTime();
  const out: FixtureEvent[] = [];
  const make = (
    at: Date,
    type: string,
    actor: (typeof ACTORS)[number] | null,
    item: (typeof ITEMS)[number] | null,
  ) => {
    const eventId = r.next() < 0.5 ? r.hex(32) : randomUuidFrom(r);
    const raw: RawBoxEvent = {
      type: 'event',
      event_id: eventId,
      event_type: type,
      created_at: boxTime(at),
      recorded_at: boxTime(new Date(at.getTime() + r.int(0, 90) * 1000)),
      created_by: actor ? { type: 'user', id: actor.id, name: actor.name, login: actor.login } : null,
      action_by: null,
      source: item
        ? {
            item_type: item.type,
            item_id: item.id,
            item_name: item.name,
            parent: { type: 'folder', id: item.parent, name: 'parent', etag: '0', sequence_id: '0' },
            owned_by: { type: 'user', id: '11', name: 'Akiko Tanaka', login: 'akiko@fixture.test' },
          }
        : actor
          ? { type: 'user', id: actor.id, name: actor.name, login: actor.login }
          : null,
      ip_address: `10.0.${r.int(0, 9)}.${r.int(1, 254)}`,
      session_id: r.next() < 0.7 ? r.hex(16) : null,
      additional_details:
        item?.type === 'file' ? { size: r.int(1, 99999), version_id: String(r.int(1, 9999)) } : null,
    };
    out.push({
      raw,
      eventId,
      createdAt: new Date(Date.parse(raw.created_at as string)),
      type,
      actorId: actor?.id ?? null,
      itemId: item?.id ?? null,
    });
  };
  for (let i = 0; i < o.count; i++) {
    const tie = out.length > 0 && r.next() < 0.08;
    const at = tie
      ? out[out.length - 1]!.createdAt
      : new Date(o.start.getTime() + Math.floor((r.next() * span) / 1000) * 1000);
    if (r.next() < 0.1) make(at, 'LOGIN', r.pick(ACTORS), null);
    else make(at, r.pick(ITEM_TYPES), r.next() < 0.05 ? null : r.pick(ACTORS), r.pick(ITEMS));
  }
  return out;
}

function randomUuidFrom(r: ReturnType<typeof prng>): string {
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Stores fixture events for an organisation through the event store (pages of 500, like ingestion). */
export async function storeFixture(database: Database<EventTables>, orgId: string, events: FixtureEvent[]) {
  const store = createEventStore(database.db);
  const normalized: NormalizedEvent[] = events.map((e) => normalizeEvent(e.raw));
  for (let i = 0; i < normalized.length; i += 500) {
    const page = normalized.slice(i, i + 500);
    await store.prepare(page);
    await database.transaction((trx) => store.store(trx, orgId, page));
  }
  return normalized;
}

export async function partitionCount(db: AnyDb): Promise<number> {
  const { sql } = await import('kysely');
  const res = await sql<{ n: number }>`
    select count(*)::int as n from pg_inherits i join pg_class p on p.oid = i.inhparent
    join pg_namespace s on s.oid = p.relnamespace where s.nspname = 'event' and p.relname = 'events'`.execute(
    db,
  );
  return res.rows[0]!.n;
}

export { randomUUID };
