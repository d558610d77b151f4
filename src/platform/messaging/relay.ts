/**
 * The outbox relay of one producing service: delivers its messages to each subscriber in sequence
 * order, at least once, in batches. Progress is committed only after a delivery succeeded, so a crash
 * between delivery and progress means redelivery, which consumers absorb (inbox.ts). One replica
 * delivers per subscriber at a time (a lease). Failed deliveries back off exponentially with jitter.
 * The relay never holds a transaction while delivering: on the single-connection embedded database
 * the consumer needs that connection.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import { crashPoint } from '../crash-points.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logging.ts';
import type { Metrics } from '../metrics.ts';
import type { ServiceName } from '../service-names.ts';
import { type Envelope, type Subscription, subscriptionsOf, type Topic } from './catalogue.ts';
import { createLeaseStore } from './leases.ts';

export type Deliver = (subscription: Subscription, messages: Envelope[]) => Promise<void>;

export interface RelayOptions {
  database: Database;
  schema: string;
  producer: ServiceName;
  processName: string;
  deliver: Deliver;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  pollMs: number;
  batchSize: number;
  leaseTtlMs: number;
  maxBackoffMs: number;
  retentionMs: number;
}

export interface Relay {
  start(): void;
  /** Stops polling; resolves when the current pass has finished. */
  stop(): Promise<void>;
  /** One pass over every subscriber; true when something was delivered. */
  runOnce(): Promise<boolean>;
  /** Delivers until nothing is pending or the deadline passes; true when drained. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Refreshes the pending/oldest-age gauges. */
  updateGauges(): Promise<{ pending: number; oldestAgeSeconds: number }>;
}

interface Row {
  seq: number;
  id: string;
  topic: Topic;
  key: string;
  payload: unknown;
  traceparent: string | null;
  created_at: Date;
}

export function createRelay(o: RelayOptions): Relay {
  const db = o.database.db;
  const owner = `${o.processName}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leases = createLeaseStore(db, o.schema);
  const outbox = sql.table(`${o.schema}.outbox`);
  const progress = sql.table(`${o.schema}.outbox_progress`);
  const targets = subscriptionsOf(o.producer);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let lastGauges = 0;
  let lastCleanup = 0;

  async function ensureProgressRows(): Promise<void> {
    if (targets.length === 0) return;
    const values = targets.map((t) => sql`(${t.subscription.subscriber})`);
    await sql`insert into ${progress} (subscriber) values ${sql.join(values)} on conflict do nothing`.execute(
      db,
    );
  }

  async function deliverTo(target: (typeof targets)[number]): Promise<boolean> {
    const name = target.subscription.subscriber;
    const now = o.clock.now();
    if (!(await leases.acquire(`relay:${name}`, owner, o.leaseTtlMs, now))) return false;
    const state = await sql<{ delivered_seq: number; attempts: number; next_attempt_at: Date | null }>`
      select delivered_seq, attempts, next_attempt_at from ${progress} where subscriber = ${name}`.execute(
      db,
    );
    const row = state.rows[0];
    if (!row) return false;
    if (row.next_attempt_at && row.next_attempt_at > now) return false;
    const maxRes = await sql<{ max: number | null }>`select max(seq) as max from ${outbox}`.execute(db);
    const maxSeq = Number(maxRes.rows[0]?.max ?? 0);
    if (maxSeq <= row.delivered_seq) return false;
    const batch = await sql<Row>`
      select seq, id, topic, key, payload, traceparent, created_at from ${outbox}
      where seq > ${row.delivered_seq} and seq <= ${maxSeq} and topic in (${sql.join(target.topics)})
      order by seq limit ${o.batchSize}`.execute(db);
    const rows = batch.rows;
    const upTo = rows.length < o.batchSize ? maxSeq : Number(rows[rows.length - 1]!.seq);
    if (rows.length > 0) {
      const envelopes: Envelope[] = rows.map((r) => ({
        id: r.id,
        topic: r.topic,
        key: r.key,
        payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Envelope['payload'],
        createdAt: new Date(r.created_at).toISOString(),
        traceparent: r.traceparent ?? undefined,
      }));
      crashPoint('relay.before-deliver');
      try {
        await o.deliver(target.subscription, envelopes);
      } catch (err) {
        const attempts = row.attempts + 1;
        const base = Math.min(o.maxBackoffMs, 250 * 2 ** Math.min(attempts, 16));
        const delay = Math.round(base / 2 + Math.random() * (base / 2));
        await sql`update ${progress} set attempts = ${attempts}, last_error = ${String((err as Error).message).slice(0, 500)},
                  next_attempt_at = ${new Date(now.getTime() + delay)}, updated_at = ${now}
                  where subscriber = ${name}`.execute(db);
        o.logger.warn(
          { subscriber: name, attempts, err: (err as Error).message },
          'message delivery failed; will retry',
        );
        return false;
      }
      crashPoint('relay.after-deliver');
    }
    crashPoint('relay.before-progress');
    await sql`update ${progress} set delivered_seq = ${upTo}, attempts = 0, last_error = null, next_attempt_at = null, updated_at = ${now}
              where subscriber = ${name} and delivered_seq = ${row.delivered_seq}`.execute(db);
    return rows.length > 0;
  }

  async function cleanup(): Promise<void> {
    const names = targets.map((t) => t.subscription.subscriber);
    if (names.length === 0) return;
    const cutoff = new Date(o.clock.now().getTime() - o.retentionMs);
    await sql`delete from ${outbox} where created_at < ${cutoff}
              and seq <= (select coalesce(min(delivered_seq), 0) from ${progress} where subscriber in (${sql.join(names)}))`.execute(
      db,
    );
  }

  async function updateGauges(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    let pending = 0;
    let oldest: Date | undefined;
    for (const target of targets) {
      const res = await sql<{ n: number; oldest: Date | null }>`
        select count(*) as n, min(o.created_at) as oldest from ${outbox} o
        where o.seq > coalesce((select delivered_seq from ${progress} where subscriber = ${target.subscription.subscriber}), 0)
          and o.topic in (${sql.join(target.topics)})`.execute(db);
      pending += Number(res.rows[0]?.n ?? 0);
      const t = res.rows[0]?.oldest;
      if (t && (!oldest || new Date(t) < oldest)) oldest = new Date(t);
    }
    const oldestAgeSeconds = oldest ? Math.max(0, (o.clock.now().getTime() - oldest.getTime()) / 1000) : 0;
    o.metrics?.outboxPending.set({ service: o.processName }, pending);
    o.metrics?.outboxOldestAge.set({ service: o.processName }, oldestAgeSeconds);
    return { pending, oldestAgeSeconds };
  }

  async function runOnce(): Promise<boolean> {
    await ensureProgressRows();
    let delivered = false;
    for (const target of targets) {
      try {
        if (await deliverTo(target)) delivered = true;
      } catch (err) {
        o.logger.warn(
          { subscriber: target.subscription.subscriber, err: (err as Error).message },
          'relay pass failed',
        );
      }
    }
    const t = Date.now();
    if (t - lastGauges > 2000) {
      lastGauges = t;
      await updateGauges().catch(() => {});
    }
    if (t - lastCleanup > 60_000) {
      lastCleanup = t;
      await cleanup().catch(() => {});
    }
    return delivered;
  }

  function schedule(ms: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch(() => false)
        .then((more) => schedule(more ? 0 : o.pollMs));
    }, ms);
    timer.unref?.();
  }

  return {
    start() {
      if (!stopped || targets.length === 0) return;
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      for (const t of targets)
        await leases.release(`relay:${t.subscription.subscriber}`, owner).catch(() => {});
    },
    runOnce,
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      await running;
      while (Date.now() < deadline) {
        await runOnce();
        const { pending } = await updateGauges();
        if (pending === 0) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
    updateGauges,
  };
}
