/**
 * Incident rows in `ops.incidents` and their history in `ops.incident_events`. Alertmanager resends
 * a firing alert every repeat interval with the same fingerprint and startsAt: that is one incident
 * (unique key), refreshed, never duplicated. A new firing episode has a new startsAt and opens a new
 * incident. A resolved notification closes the episode's incident (creating it if the firing one
 * was never received).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import {
  canTransition,
  deadlinesFor,
  type IncidentState,
  type Level,
  levelOf,
  OPEN_STATES,
} from './incident-policy.ts';

export interface IncidentRow {
  id: string;
  fingerprint: string;
  alertname: string;
  level: Level;
  severity: string | null;
  service: string | null;
  summary: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: IncidentState;
  detected_at: Date;
  response_due_at: Date;
  escalate_at: Date | null;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  last_notified_at: Date;
  created_at: Date;
  updated_at: Date;
}

export interface IncidentEventRow {
  id: number;
  incident_id: string;
  from_state: IncidentState | null;
  to_state: IncidentState;
  actor: string;
  note: string | null;
  at: Date;
}

export interface OpsTables {
  'ops.incidents': IncidentRow;
  'ops.incident_events': Omit<IncidentEventRow, 'id'> & { id?: number };
}

export interface AlertNotice {
  status: 'firing' | 'resolved';
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: Date;
  endsAt: Date | null;
}

export class TransitionError extends Error {
  constructor(
    readonly from: IncidentState,
    readonly to: IncidentState,
  ) {
    super(`an incident cannot go from ${from} to ${to}`);
  }
}

export function createIncidentStore(database: Database, now: () => Date) {
  const db = database.db as Kysely<OpsTables>;

  async function record(notice: AlertNotice): Promise<{ incident: IncidentRow; created: boolean }> {
    return database.transaction(async (t) => {
      const trx = t as unknown as Kysely<OpsTables>;
      const at = now();
      const level = levelOf(notice.labels);
      const { responseDueAt, escalateAt } = deadlinesFor(level, notice.startsAt);
      const inserted = await trx
        .insertInto('ops.incidents')
        .values({
          id: randomUUID(),
          fingerprint: notice.fingerprint,
          alertname: notice.labels.alertname ?? 'unknown',
          level,
          severity: notice.labels.severity ?? null,
          service: notice.labels.service ?? notice.labels.job ?? null,
          summary: notice.annotations.summary ?? null,
          labels: JSON.stringify(notice.labels) as never,
          annotations: JSON.stringify(notice.annotations) as never,
          state: 'Detected',
          detected_at: notice.startsAt,
          response_due_at: responseDueAt,
          escalate_at: escalateAt,
          acknowledged_at: null,
          resolved_at: null,
          last_notified_at: at,
          created_at: at,
          updated_at: at,
        })
        .onConflict((oc) => oc.columns(['fingerprint', 'detected_at']).doNothing())
        .returningAll()
        .executeTakeFirst();
      let incident =
        inserted ??
        (await trx
          .selectFrom('ops.incidents')
          .selectAll()
          .where('fingerprint', '=', notice.fingerprint)
          .where('detected_at', '=', notice.startsAt)
          .forUpdate()
          .executeTakeFirstOrThrow());
      if (inserted) {
        await trx
          .insertInto('ops.incident_events')
          .values({
            incident_id: incident.id,
            from_state: null,
            to_state: 'Detected',
            actor: 'alertmanager',
            note: null,
            at,
          })
          .execute();
      }
      if (notice.status === 'resolved' && incident.resolved_at === null) {
        const resolvedAt = notice.endsAt && notice.endsAt.getTime() > 0 ? notice.endsAt : at;
        const from = incident.state;
        const state: IncidentState = OPEN_STATES.includes(from) ? 'Resolved' : from;
        incident = await trx
          .updateTable('ops.incidents')
          .set({ resolved_at: resolvedAt, state, last_notified_at: at, updated_at: at })
          .where('id', '=', incident.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (state !== from) {
          await trx
            .insertInto('ops.incident_events')
            .values({
              incident_id: incident.id,
              from_state: from,
              to_state: state,
              actor: 'alertmanager',
              note: 'alert resolved',
              at: resolvedAt,
            })
            .execute();
        }
      } else if (!inserted) {
        incident = await trx
          .updateTable('ops.incidents')
          .set({ last_notified_at: at })
          .where('id', '=', incident.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      }
      return { incident, created: inserted !== undefined };
    });
  }

  async function transition(
    id: string,
    to: IncidentState,
    actor: string,
    note: string | null,
  ): Promise<IncidentRow | undefined> {
    return database.transaction(async (t) => {
      const trx = t as unknown as Kysely<OpsTables>;
      const current = await trx
        .selectFrom('ops.incidents')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!current) return undefined;
      if (!canTransition(current.state, to)) throw new TransitionError(current.state, to);
      const at = now();
      const updated = await trx
        .updateTable('ops.incidents')
        .set({
          state: to,
          updated_at: at,
          ...(current.acknowledged_at === null ? { acknowledged_at: at } : {}),
          ...(to === 'Resolved' && current.resolved_at === null ? { resolved_at: at } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('ops.incident_events')
        .values({ incident_id: id, from_state: current.state, to_state: to, actor, note, at })
        .execute();
      return updated;
    });
  }

  return {
    record,
    transition,
    async get(id: string) {
      return db.selectFrom('ops.incidents').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async history(id: string) {
      return db
        .selectFrom('ops.incident_events')
        .selectAll()
        .where('incident_id', '=', id)
        .orderBy('id')
        .execute() as Promise<IncidentEventRow[]>;
    },
    async list(o: { from?: Date; to?: Date; state?: IncidentState; limit?: number } = {}) {
      let q = db.selectFrom('ops.incidents').selectAll();
      if (o.from) q = q.where('detected_at', '>=', o.from);
      if (o.to) q = q.where('detected_at', '<', o.to);
      if (o.state) q = q.where('state', '=', o.state);
      return q
        .orderBy('detected_at', 'desc')
        .orderBy('id')
        .limit(o.limit ?? 10_000)
        .execute();
    },
  };
}

export type IncidentStore = ReturnType<typeof createIncidentStore>;
