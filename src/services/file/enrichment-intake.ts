/**
 * Subscriber `file.enrichment` (product.md F2.4): takes `event.stored` batches and only queues the
 * items they name — one row per (organisation, item), later events bump it — inside the receiver's
 * transaction. No Box call happens here: ingestion is never slowed or blocked by enrichment, and a
 * queued item is never lost (the row commits with the message's inbox record).
 *
 * Queued: every file event, except that events which cannot change a file (previews, downloads,
 * comments...) only queue files the catalogue does not know yet; and folder events that change the
 * tree (create, move, rename, trash, restore, copy), so known descendants follow a moved folder.
 */
import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Envelope, ItemType } from '../../platform/messaging/catalogue.ts';
import type { MessageHandler } from '../../platform/messaging/receiver.ts';
import type { FileTrx } from './file-tables.ts';

/** Event types that read or annotate a file without changing its content, name or place. */
const READ_ONLY_TYPES = new Set([
  'PREVIEW',
  'DOWNLOAD',
  'ITEM_OPEN',
  'ITEM_PREVIEW',
  'ITEM_DOWNLOAD',
  'FILE_WATERMARKED_DOWNLOAD',
  'COMMENT_CREATE',
  'COMMENT_EDIT',
  'COMMENT_DELETE',
  'COLLABORATION_INVITE',
  'COLLABORATION_ACCEPT',
  'COLLABORATION_REMOVE',
  'COLLABORATION_ROLE_CHANGE',
  'COLLABORATION_EXPIRATION',
  'SHARE',
  'SHARE_EXPIRATION',
  'ITEM_SHARED_UPDATE',
  'UNSHARE',
  'LOCK',
  'UNLOCK',
  'TAG_ITEM_CREATE',
]);

/** Folder events after which the folder's own place or name may differ. */
const FOLDER_TREE_TYPES = new Set([
  'UPLOAD',
  'MOVE',
  'RENAME',
  'DELETE',
  'UNDELETE',
  'COPY',
  'ITEM_CREATE',
  'ITEM_MOVE',
  'ITEM_RENAME',
  'ITEM_TRASH',
  'ITEM_UNDELETE_VIA_TRASH',
  'ITEM_COPY',
]);

interface Wanted {
  orgId: string;
  itemType: ItemType;
  itemId: string;
  ownerId: string | null;
  events: number;
  first: string;
  last: string;
  readOnly: boolean;
}

export function createEnrichmentIntake(d: {
  clock: Clock;
  /** How long a newly queued item waits for more events before it is fetched (coalescing). */
  settleMs: number;
}): MessageHandler {
  return {
    subscriber: 'file.enrichment',
    async handle(messages, anyTrx) {
      const trx = anyTrx as FileTrx;
      const wanted = new Map<string, Wanted>();
      for (const m of messages) {
        if (m.topic !== 'event.stored') continue;
        const p = (m as Envelope<'event.stored'>).payload;
        for (const e of p.events) {
          if (!e.itemId) continue;
          const isFile = e.itemType === 'file';
          if (!isFile && !(e.itemType === 'folder' && FOLDER_TREE_TYPES.has(e.type))) continue;
          const itemType: ItemType = isFile ? 'file' : 'folder';
          const key = `${p.orgId}|${itemType}|${e.itemId}`;
          const w = wanted.get(key);
          const readOnly = isFile && READ_ONLY_TYPES.has(e.type);
          if (!w) {
            wanted.set(key, {
              orgId: p.orgId,
              itemType,
              itemId: e.itemId,
              ownerId: e.ownerBoxUserId,
              events: 1,
              first: e.createdAt,
              last: e.createdAt,
              readOnly,
            });
            continue;
          }
          w.events++;
          if (e.createdAt < w.first) w.first = e.createdAt;
          if (e.createdAt >= w.last) {
            w.last = e.createdAt;
            // The newest event names the current owner (ownership moves with the folder).
            w.ownerId = e.ownerBoxUserId ?? w.ownerId;
          }
          w.readOnly &&= readOnly;
        }
      }
      let rows = [...wanted.values()];
      const readOnly = rows.filter((w) => w.readOnly);
      if (readOnly.length > 0) {
        const known = await sql<{ org_id: string; item_id: string }>`
          select org_id, item_id from file.items i
          join unnest(${readOnly.map((w) => w.orgId)}::uuid[], ${readOnly.map((w) => w.itemId)}::text[]) as q(org_id, item_id)
            using (org_id, item_id)
          where i.item_type = 'file'`.execute(trx);
        const skip = new Set(known.rows.map((r) => `${r.org_id}|${r.item_id}`));
        rows = rows.filter((w) => !w.readOnly || !skip.has(`${w.orgId}|${w.itemId}`));
      }
      if (rows.length === 0) return;
      const now = d.clock.now();
      const due = new Date(now.getTime() + d.settleMs);
      const col = <T>(f: (w: Wanted) => T) => rows.map(f);
      await sql`
        insert into file.enrichment_queue as q
          (org_id, item_type, item_id, owner_id, events, generation, first_event_at, last_event_at, enqueued_at, due_at)
        select org_id, item_type, item_id, owner_id, events, 1, first_at, last_at, ${now}, ${due}
        from unnest(${col((w) => w.orgId)}::uuid[], ${col((w) => w.itemType)}::text[], ${col((w) => w.itemId)}::text[],
                    ${col((w) => w.ownerId)}::text[], ${col((w) => w.events)}::int[],
                    ${col((w) => w.first)}::timestamptz[], ${col((w) => w.last)}::timestamptz[])
          as t(org_id, item_type, item_id, owner_id, events, first_at, last_at)
        on conflict (org_id, item_type, item_id) do update set
          events = q.events + excluded.events,
          generation = q.generation + 1,
          owner_id = case when excluded.last_event_at >= q.last_event_at
                          then coalesce(excluded.owner_id, q.owner_id) else coalesce(q.owner_id, excluded.owner_id) end,
          first_event_at = least(q.first_event_at, excluded.first_event_at),
          last_event_at = greatest(q.last_event_at, excluded.last_event_at)`.execute(trx);
    },
  };
}
