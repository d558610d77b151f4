/**
 * Streamed exports (product.md F3.3): CSV for spreadsheets and JSON with the raw events. Rows are
 * written as they are read, a page at a time, so an export has no size limit and no memory spike.
 * CSV cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
 */
import { Readable } from 'node:stream';
import { toEventDto } from './event-search.ts';
import type { EventRow } from './event-tables.ts';

const CSV_COLUMNS = [
  'event_id',
  'created_at',
  'recorded_at',
  'event_type',
  'actor_id',
  'actor_name',
  'actor_login',
  'item_type',
  'item_id',
  'item_name',
  'parent_id',
  'owner_id',
  'ip_address',
  'session_id',
] as const;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvExport(rows: AsyncIterable<EventRow>): Readable {
  async function* lines() {
    yield `${CSV_COLUMNS.join(',')}\r\n`;
    for await (const r of rows) yield `${CSV_COLUMNS.map((c) => csvCell(r[c])).join(',')}\r\n`;
  }
  return Readable.from(lines());
}

export function jsonExport(rows: AsyncIterable<EventRow>, meta: Record<string, unknown>): Readable {
  async function* chunks() {
    yield `{"meta":${JSON.stringify(meta)},"events":[`;
    let first = true;
    for await (const r of rows) {
      // `raw` is the event exactly as Box sent it, in canonical form (the ledger leaf's data).
      const { additionalDetails: _omit, ...dto } = toEventDto(r);
      yield `${first ? '' : ','}\n{"event":${JSON.stringify(dto)},"raw":${r.raw}}`;
      first = false;
    }
    yield '\n]}\n';
  }
  return Readable.from(chunks());
}
