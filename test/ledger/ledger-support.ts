/** Helpers of the ledger and witness tests: the ledger of a test app, raw rows, principals, envelopes. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DatabasePool } from '../../src/platform/db/database.ts';
import type { Envelope, MessagePayloads, Role, Topic } from '../../src/platform/messaging/catalogue.ts';
import type { Ledger } from '../../src/services/verification/verification-module.ts';
import type { TestApp } from '../support/test-app.ts';

export function ledgerOf(app: TestApp): Ledger {
  return app.services.verification!.ledger;
}

export interface RawLeaf {
  leaf_index: number;
  kind: string;
  ref: string;
  data: string;
  leaf_hash: Buffer;
}

export async function leavesOf(app: TestApp, orgId: string): Promise<RawLeaf[]> {
  const res = await sql<RawLeaf>`
    select l.leaf_index, l.kind, l.ref, l.data, l.leaf_hash from ledger.leaves l
    join ledger.logs g on g.id = l.log_id where g.org_id = ${orgId} order by l.leaf_index`.execute(
    app.platform.pool.db,
  );
  return res.rows.map((r) => ({ ...r, leaf_index: Number(r.leaf_index) }));
}

export async function logIdOf(app: TestApp, orgId: string): Promise<number> {
  const log = await ledgerOf(app).repo.findLog(app.platform.pool.db, orgId);
  if (!log) throw new Error(`no log for ${orgId}`);
  return log.id;
}

/** A session token for a user with the given roles, signed by identity's key (no Box sign-in needed). */
export async function sessionFor(
  app: TestApp,
  orgId: string,
  roles: Role[],
  scopes: Array<'read' | 'write' | 'admin' | 'ledger:read'> = ['read', 'write'],
): Promise<string> {
  const { token } = await app.services.identity!.signer.sign(
    { userId: randomUUID(), orgId, roles, scopes, sessionId: randomUUID() },
    app.platform.clock.now(),
  );
  return token;
}

export function envelope<T extends Topic>(
  topic: T,
  payload: MessagePayloads[T],
  createdAt = new Date(),
): Envelope<T> {
  return { id: randomUUID(), topic, key: randomUUID(), payload, createdAt: createdAt.toISOString() };
}

/** Delivers messages to a subscriber of the verification service through its receiver (inbox and all). */
export async function deliver(app: TestApp, subscriber: string, messages: Envelope[]): Promise<void> {
  await app.services.verification!.module.receiver!.receive(subscriber, messages);
}

/** Tables of a schema, by name. */
export async function tablesOf(pool: DatabasePool, schema: string): Promise<string[]> {
  const res = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(
    pool.db,
  );
  return res.rows.map((r) => r.table_name);
}
