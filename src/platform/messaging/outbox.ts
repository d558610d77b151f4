/**
 * Writing to the outbox, inside the caller's transaction. A transaction-scoped advisory lock makes
 * outbox sequence numbers follow commit order: without it a transaction that took seq 10 could commit
 * after one that took seq 11, and a relay that already moved past 11 would never see 10.
 * The lock is taken at the outbox write, normally the last statement, so it is held only until commit.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AnyTrx } from '../db/database.ts';
import { traceHeaders } from '../tracing.ts';
import type { MessagePayloads, Topic } from './catalogue.ts';

export interface OutgoingMessage<T extends Topic = Topic> {
  topic: T;
  key: string;
  payload: MessagePayloads[T];
}

export type Publish = <T extends Topic>(
  trx: AnyTrx,
  messages: OutgoingMessage<T>[] | OutgoingMessage<T>,
) => Promise<string[]>;

/** Transactions that wrote to an outbox, so the commit path can mark the moment after (crash points). */
const publishedIn = new WeakSet<object>();

export function publishedInTransaction(trx: object): boolean {
  return publishedIn.has(trx);
}

export function createPublisher(schema: string): Publish {
  const table = sql.table(`${schema}.outbox`);
  return async (trx, input) => {
    const list = Array.isArray(input) ? input : [input];
    if (list.length === 0) return [];
    await sql`select pg_advisory_xact_lock(720102, hashtext(${schema}))`.execute(trx);
    publishedIn.add(trx);
    const traceparent = traceHeaders().traceparent ?? null;
    const ids = list.map(() => randomUUID());
    const rows = list.map(
      (m, i) =>
        sql`(${ids[i]}::uuid, ${m.topic}, ${m.key}, ${JSON.stringify(m.payload)}::jsonb, ${traceparent})`,
    );
    await sql`insert into ${table} (id, topic, key, payload, traceparent) values ${sql.join(rows)}`.execute(
      trx,
    );
    return ids;
  };
}
