import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/**
 * Incident records (operations.md §8, plan §4): one row per alert episode (Alertmanager fingerprint +
 * startsAt) with its P1–P4 level, state and response deadlines, and every state change. The schema
 * belongs to the `ops` migration set, hosted by the identity service process, whose database role
 * gets the rights here (docs/decisions/operations.md).
 */
export const incidentTables: Migration = {
  version: 1,
  name: 'incidents and their state changes',
  async up(trx) {
    await sql`create table ops.incidents (
      id uuid primary key,
      fingerprint text not null,
      alertname text not null,
      level text not null check (level in ('P1', 'P2', 'P3', 'P4')),
      severity text,
      service text,
      summary text,
      labels jsonb not null,
      annotations jsonb not null,
      state text not null check (state in ('Detected', 'Triaged', 'Investigating', 'Escalated',
        'Identified', 'Mitigating', 'Resolved', 'PostMortem')),
      detected_at timestamptz not null,
      response_due_at timestamptz not null,
      escalate_at timestamptz,
      acknowledged_at timestamptz,
      resolved_at timestamptz,
      last_notified_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (fingerprint, detected_at))`.execute(trx);
    await sql`create index incidents_detected_idx on ops.incidents (detected_at desc, id)`.execute(trx);
    await sql`create index incidents_open_idx on ops.incidents (fingerprint) where resolved_at is null`.execute(
      trx,
    );
    await sql`create table ops.incident_events (
      id bigint generated always as identity primary key,
      incident_id uuid not null references ops.incidents(id),
      from_state text,
      to_state text not null,
      actor text not null,
      note text,
      at timestamptz not null)`.execute(trx);
    await sql`create index incident_events_incident_idx on ops.incident_events (incident_id, id)`.execute(
      trx,
    );
    // The identity service's role reads and writes this schema (it hosts the incident routes).
    await sql
      .raw(
        `DO $$ BEGIN
           IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'auditor_identity') THEN
             GRANT USAGE ON SCHEMA ops TO auditor_identity;
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ops TO auditor_identity;
             GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ops TO auditor_identity;
           END IF;
         END $$`,
      )
      .execute(trx);
  },
  async down(trx) {
    await sql`drop table ops.incident_events`.execute(trx);
    await sql`drop table ops.incidents`.execute(trx);
  },
};
