/**
 * From an event exactly as Box sent it to our stored record: its canonical text (RFC 8785; the ledger
 * leaf's data, hashed as is) and the normalised columns search needs (product.md F2.2). The source's
 * shape varies by event type (box-api.md), so every field is read defensively and the raw text is
 * always kept.
 */

import type { RawBoxEvent } from '../../box/box-model.ts';
import { canonicalize, type JsonValue, LosslessNumber } from '../../ledger/index.ts';
import { boxEventLeafText, leafHashOfText } from '../verification/leaf-format.ts';

export interface NormalizedEvent {
  eventId: string;
  createdAt: Date;
  recordedAt: Date | null;
  type: string;
  actorId: string | null;
  actorName: string | null;
  actorLogin: string | null;
  itemId: string | null;
  itemType: string | null;
  itemName: string | null;
  parentId: string | null;
  ownerId: string | null;
  ipAddress: string | null;
  sessionId: string | null;
  additionalDetails: JsonValue | null;
  raw: string;
  leafHash: Buffer;
}

type Obj = { [k: string]: JsonValue };

const obj = (v: JsonValue | undefined): Obj | null =>
  v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof LosslessNumber) ? (v as Obj) : null;
const text = (v: JsonValue | undefined): string | null => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v instanceof LosslessNumber) return v.text;
  return null;
};

function date(v: JsonValue | undefined): Date | null {
  const s = text(v);
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Plain JSON for a jsonb column (big integers become strings so nothing is rounded). */
function plain(v: JsonValue | undefined): JsonValue | null {
  if (v === undefined || v === null) return null;
  if (v instanceof LosslessNumber) return v.text;
  if (Array.isArray(v)) return v.map((x) => plain(x));
  if (typeof v === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}

export class MalformedEventError extends Error {}

export function normalizeEvent(e: RawBoxEvent): NormalizedEvent {
  const eventId = text(e.event_id);
  const createdAt = date(e.created_at);
  if (!eventId || !createdAt) throw new MalformedEventError('event without event_id or created_at');
  const actor = obj(e.created_by);
  const source = obj(e.source);
  // Enterprise streams send the slim EventSource (item_*); user-centred events send a user or a full item.
  const itemType =
    text(source?.item_type) ??
    (source?.type === 'file' || source?.type === 'folder' ? text(source.type) : null);
  const itemId = itemType ? (text(source?.item_id) ?? text(source?.id)) : null;
  const raw = canonicalize(e);
  return {
    eventId,
    createdAt,
    recordedAt: date(e.recorded_at),
    type: text(e.event_type) ?? 'UNKNOWN',
    actorId: text(actor?.id),
    actorName: text(actor?.name),
    actorLogin: text(actor?.login),
    itemId,
    itemType,
    itemName: itemType ? (text(source?.item_name) ?? text(source?.name)) : null,
    parentId: text(obj(source?.parent)?.id),
    ownerId: text(obj(source?.owned_by)?.id),
    ipAddress: text(e.ip_address),
    sessionId: text(e.session_id),
    additionalDetails: plain(e.additional_details),
    raw,
    leafHash: leafHashOfText(boxEventLeafText(raw)),
  };
}
