import { DAY_MS } from './clock.ts';
import { BoxHttpError, badParam } from './errors.ts';
import { chronoKey, type EventLog, STREAM_BASE } from './event-log.ts';
import type { Json } from './types.ts';

export const RETENTION_DAYS = {
  admin_logs: 365,
  admin_logs_streaming: 14,
  all: 21,
  changes: 21,
  sync: 31,
} as const;

/** Box does not document the answer for an expired position; we answer this 400 (see README). */
export function expiredPosition(): BoxHttpError {
  return new BoxHttpError(
    400,
    'bad_request',
    'Bad Request: the stream position has expired or is unknown; restart from stream_position=0 or now',
    {
      errors: [
        {
          reason: 'invalid_parameter',
          name: 'stream_position',
          message: 'Invalid or expired stream position',
        },
      ],
    },
  );
}

type Position = 'now' | 'start' | bigint;

export function parsePosition(raw: string | undefined): Position {
  if (raw === undefined || raw === '' || raw === '0') return 'start';
  if (raw === 'now') return 'now';
  if (!/^\d{1,20}$/.test(raw))
    throw badParam('stream_position', 'stream_position must be a position returned by this API, 0 or now');
  return BigInt(raw);
}

/** Consumed only when the fault actually changes the page. */
export interface EventFaultHooks {
  expire(): boolean;
  duplicate(): boolean;
  reorder(): boolean;
}

export interface Page {
  entries: Json[];
  next: string;
}

interface SeqRecord {
  seq: number;
  json: Json;
}

/** Sequence-numbered streams (admin_logs_streaming and the user streams). */
function seqPage<T extends SeqRecord>(
  records: T[],
  firstRetained: number,
  position: Position,
  limit: number,
  keep: (r: T) => boolean,
  hooks: EventFaultHooks,
): Page {
  const head = records.length;
  if (position === 'now') return { entries: [], next: (STREAM_BASE + BigInt(head)).toString() };
  let after = firstRetained - 1;
  if (position !== 'start') {
    const s = position - STREAM_BASE;
    if (s < 0n || s > BigInt(head) || Number(s) < firstRetained - 1) throw expiredPosition();
    if (hooks.expire()) throw expiredPosition();
    after = Number(s);
  }
  const picked: T[] = [];
  let last = head;
  for (let seq = after + 1; seq <= head; seq++) {
    const r = records[seq - 1]!;
    if (!keep(r)) continue;
    picked.push(r);
    if (picked.length === limit) {
      last = seq;
      break;
    }
  }
  let entries = picked.map((r) => r.json);
  if (entries.length > 0 && hooks.duplicate()) {
    const earlier = records.slice(Math.max(firstRetained - 1, after - 2), after).filter(keep);
    entries = [...earlier.map((r) => r.json), ...entries, entries[0]!];
  }
  if (entries.length > 1 && hooks.reorder()) entries = [...entries].reverse();
  return { entries, next: (STREAM_BASE + BigInt(Math.max(last, after))).toString() };
}

export function streamingPage(
  log: EventLog,
  nowMs: number,
  position: Position,
  limit: number,
  types: Set<string> | null,
  hooks: EventFaultHooks,
): Page {
  const first = log.firstSeqRecordedFrom(nowMs - RETENTION_DAYS.admin_logs_streaming * DAY_MS);
  return seqPage(log.enterprise, first, position, limit, (e) => !types || types.has(e.type), hooks);
}

export function userPage(
  log: EventLog,
  userId: string,
  stream: 'all' | 'changes' | 'sync',
  nowMs: number,
  position: Position,
  limit: number,
  hooks: EventFaultHooks,
): Page {
  const first = log.firstUserSeqFrom(nowMs - RETENTION_DAYS[stream] * DAY_MS);
  return seqPage(
    log.user,
    first,
    position,
    limit,
    (e) => e.userIds.includes(userId) && (stream === 'all' || e.changes),
    hooks,
  );
}

/** admin_logs: chronological, no duplicates, created_after/created_before (both inclusive), 365-day retention. */
export function adminLogsPage(
  log: EventLog,
  nowMs: number,
  position: Position,
  limit: number,
  types: Set<string> | null,
  window: { afterMs?: number; beforeMs?: number },
): Page {
  const minMs = Math.max(
    nowMs - RETENTION_DAYS.admin_logs * DAY_MS,
    window.afterMs ?? Number.NEGATIVE_INFINITY,
  );
  if (position === 'now') {
    const lastKey = log.chrono[log.chrono.length - 1]?.key ?? 0n;
    const nowKey = chronoKey(nowMs, 0);
    return { entries: [], next: (lastKey > nowKey ? lastKey : nowKey).toString() };
  }
  const startKey = position === 'start' ? chronoKey(minMs, 0) - 1n : position;
  const entries: Json[] = [];
  let lastKey = startKey;
  for (let i = log.chronoIndexAfter(startKey); i < log.chrono.length; i++) {
    const e = log.chrono[i]!;
    if (window.beforeMs !== undefined && e.createdMs > window.beforeMs) break;
    lastKey = e.key;
    if (e.createdMs < minMs || (types && !types.has(e.type))) continue;
    entries.push(e.json);
    if (entries.length === limit) break;
  }
  return { entries, next: lastKey.toString() };
}
