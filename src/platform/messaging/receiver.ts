/**
 * The consuming side. Each subscriber's handler runs in one transaction with the record of the
 * message ids it processed, so a redelivered message is skipped and a crash mid-handler leaves nothing
 * half-done: delivery is at least once, the effect exactly once. Work that must call other services or
 * Box happens in `prepare`, before the transaction, and must be safe to repeat.
 */
import { sql } from 'kysely';
import { crashPoint } from '../crash-points.ts';
import type { AnyTrx, Database } from '../db/database.ts';
import type { Envelope } from './catalogue.ts';

export interface MessageHandler<C = unknown> {
  subscriber: string;
  prepare?(messages: Envelope[]): Promise<C>;
  handle(messages: Envelope[], trx: AnyTrx, prepared: C): Promise<void>;
}

export interface MessageReceiver {
  readonly subscribers: string[];
  receive(subscriber: string, messages: Envelope[]): Promise<void>;
}

export class UnknownSubscriberError extends Error {
  constructor(subscriber: string) {
    super(`no handler for subscriber ${subscriber}`);
  }
}

export function createMessageReceiver(
  database: Database,
  schema: string,
  handlers: MessageHandler[],
): MessageReceiver {
  const inbox = sql.table(`${schema}.inbox`);
  const byName = new Map(handlers.map((h) => [h.subscriber, h]));
  return {
    subscribers: [...byName.keys()],
    async receive(subscriber, messages) {
      const handler = byName.get(subscriber);
      if (!handler) throw new UnknownSubscriberError(subscriber);
      if (messages.length === 0) return;
      const prepared = handler.prepare ? await handler.prepare(messages) : undefined;
      await database.transaction(async (trx) => {
        const values = messages.map((m) => sql`(${subscriber}, ${m.id}::uuid)`);
        const res = await sql<{ message_id: string }>`
          insert into ${inbox} (subscriber, message_id) values ${sql.join(values)}
          on conflict do nothing returning message_id`.execute(trx);
        const fresh = new Set(res.rows.map((r) => r.message_id));
        const todo = messages.filter((m) => fresh.has(m.id));
        if (todo.length > 0) await handler.handle(todo, trx, prepared);
        crashPoint('inbox.before-commit');
      });
      crashPoint('inbox.after-commit');
    },
  };
}
