/**
 * The operations API (operations.md §8), hosted by the identity service:
 *   GET   /api/v1/ops/status              public: maintenance mode and the next maintenance window (web banner)
 *   POST  /api/v1/ops/alertmanager        Alertmanager webhook (bearer AUDITOR_ALERTMANAGER_TOKEN) → incidents
 *   GET   /api/v1/ops/incidents           audit admins: incidents, newest first (?month=YYYY-MM, ?state=)
 *   GET   /api/v1/ops/incidents/:id       audit admins: one incident with its state history
 *   PATCH /api/v1/ops/incidents/:id       audit admins: move it along the plan's state machine
 *   GET   /api/v1/ops/slo                 audit admins: the SLO summary from Prometheus (slo-routes.ts)
 * The webhook and incident changes stay open in maintenance mode: incidents do not wait for the window.
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { nextMaintenanceWindow } from '../../ops/maintenance-window.ts';
import { conflict, notFound, unauthorized } from '../../platform/errors.ts';
import { userOf } from '../../platform/http/authenticate.ts';
import { ADMIN_ONLY, PUBLIC } from '../../platform/http/route-config.ts';
import type { App } from '../../platform/http/server.ts';
import { alertmanagerWebhookBody, noticesOf } from './alertmanager-payload.ts';
import { LEVELS, STATES, TRANSITIONS } from './incident-policy.ts';
import {
  type IncidentEventRow,
  type IncidentRow,
  type IncidentStore,
  TransitionError,
} from './incident-store.ts';

/** Seconds a client should wait before retrying a write refused in maintenance mode (server.ts). */
export const MAINTENANCE_RETRY_AFTER_SECONDS = 300;

const tags = ['operations'];

const incidentSchema = z.object({
  id: z.string(),
  alertname: z.string(),
  level: z.enum(LEVELS),
  severity: z.string().nullable(),
  service: z.string().nullable(),
  summary: z.string().nullable(),
  state: z.enum(STATES),
  nextStates: z.array(z.enum(STATES)),
  labels: z.record(z.string(), z.string()),
  detectedAt: z.string(),
  responseDueAt: z.string(),
  escalateAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  minutesToResolve: z.number().nullable(),
});

const historySchema = z.object({
  fromState: z.enum(STATES).nullable(),
  toState: z.enum(STATES),
  actor: z.string(),
  note: z.string().nullable(),
  at: z.string(),
});

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toIncidentDto(r: IncidentRow): z.infer<typeof incidentSchema> {
  return {
    id: r.id,
    alertname: r.alertname,
    level: r.level,
    severity: r.severity,
    service: r.service,
    summary: r.summary,
    state: r.state,
    nextStates: TRANSITIONS[r.state],
    labels: r.labels,
    detectedAt: iso(r.detected_at)!,
    responseDueAt: iso(r.response_due_at)!,
    escalateAt: iso(r.escalate_at),
    acknowledgedAt: iso(r.acknowledged_at),
    resolvedAt: iso(r.resolved_at),
    minutesToResolve: r.resolved_at
      ? Math.round((new Date(r.resolved_at).getTime() - new Date(r.detected_at).getTime()) / 6000) / 10
      : null,
  };
}

const toHistoryDto = (e: IncidentEventRow) => ({
  fromState: e.from_state,
  toState: e.to_state,
  actor: e.actor,
  note: e.note,
  at: iso(e.at)!,
});

function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice(7).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerOpsRoutes(
  app: App,
  d: {
    store: IncidentStore;
    maintenance: () => boolean;
    alertmanagerToken: string | undefined;
    now: () => Date;
  },
): void {
  app.get(
    '/api/v1/ops/status',
    {
      config: { auth: PUBLIC },
      schema: {
        tags,
        summary: 'Maintenance mode and the next maintenance window (polled by the web app)',
        response: {
          200: z.object({
            maintenance: z.boolean(),
            retryAfterSeconds: z.number().int(),
            nextWindow: z.object({ start: z.string(), end: z.string() }),
          }),
        },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      const w = nextMaintenanceWindow(d.now());
      return {
        maintenance: d.maintenance(),
        retryAfterSeconds: MAINTENANCE_RETRY_AFTER_SECONDS,
        nextWindow: { start: w.start.toISOString(), end: w.end.toISOString() },
      };
    },
  );

  app.post(
    '/api/v1/ops/alertmanager',
    {
      config: { auth: PUBLIC, maintenanceAllowed: true },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Alertmanager webhook: records firing and resolved alerts as incidents',
        body: alertmanagerWebhookBody,
        response: { 200: z.object({ recorded: z.number().int(), created: z.number().int() }) },
      },
    },
    async (request) => {
      if (!bearerMatches(request.headers.authorization, d.alertmanagerToken)) throw unauthorized();
      let created = 0;
      const notices = noticesOf(request.body);
      for (const notice of notices) if ((await d.store.record(notice)).created) created += 1;
      request.log.info({ alerts: notices.length, created, status: request.body.status }, 'alerts recorded');
      return { recorded: notices.length, created };
    },
  );

  app.get(
    '/api/v1/ops/incidents',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'Incidents, newest first',
        querystring: z.object({
          month: z
            .string()
            .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
            .optional(),
          state: z.enum(STATES).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: { 200: z.object({ items: z.array(incidentSchema) }) },
      },
    },
    async (request) => {
      const { month, state, limit } = request.query;
      const from = month ? new Date(`${month}-01T00:00:00Z`) : undefined;
      const to = from ? new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1)) : undefined;
      const rows = await d.store.list({ from, to, state, limit });
      return { items: rows.map(toIncidentDto) };
    },
  );

  const idParams = z.object({ id: z.string().uuid() });

  app.get(
    '/api/v1/ops/incidents/:id',
    {
      config: { auth: ADMIN_ONLY },
      schema: {
        tags,
        summary: 'One incident with its state history',
        params: idParams,
        response: { 200: incidentSchema.extend({ history: z.array(historySchema) }) },
      },
    },
    async (request) => {
      const row = await d.store.get(request.params.id);
      if (!row) throw notFound('INCIDENT_NOT_FOUND');
      return { ...toIncidentDto(row), history: (await d.store.history(row.id)).map(toHistoryDto) };
    },
  );

  app.patch(
    '/api/v1/ops/incidents/:id',
    {
      config: { auth: ADMIN_ONLY, maintenanceAllowed: true },
      schema: {
        tags,
        summary: "Move an incident to its next state (plan §4.2's flow)",
        params: idParams,
        body: z.object({ state: z.enum(STATES), note: z.string().trim().max(2000).optional() }).strict(),
        response: { 200: incidentSchema },
      },
    },
    async (request) => {
      const user = userOf(request);
      try {
        const row = await d.store.transition(
          request.params.id,
          request.body.state,
          `user:${user.userId}`,
          request.body.note ?? null,
        );
        if (!row) throw notFound('INCIDENT_NOT_FOUND');
        return toIncidentDto(row);
      } catch (err) {
        if (err instanceof TransitionError)
          throw conflict('INCIDENT_TRANSITION_INVALID', {
            params: { from: err.from, to: err.to },
            details: { from: err.from, to: err.to, allowed: TRANSITIONS[err.from] },
          });
        throw err;
      }
    },
  );
}
