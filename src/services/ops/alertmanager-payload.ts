/** Alertmanager's webhook body (version 4), as much of it as the incident recorder reads. */
import { z } from 'zod';
import type { AlertNotice } from './incident-store.ts';

const labelSet = z.record(z.string(), z.string());

export const alertmanagerWebhookBody = z.object({
  version: z.string().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: labelSet,
        annotations: labelSet.default({}),
        startsAt: z.string(),
        endsAt: z.string().optional(),
        fingerprint: z.string().min(1).max(64),
        generatorURL: z.string().optional(),
      }),
    )
    .max(10_000),
});

export type AlertmanagerWebhookBody = z.infer<typeof alertmanagerWebhookBody>;

export function noticesOf(body: AlertmanagerWebhookBody): AlertNotice[] {
  return body.alerts.map((a) => {
    const endsAt = a.endsAt ? new Date(a.endsAt) : null;
    return {
      status: a.status,
      fingerprint: a.fingerprint,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.startsAt),
      // Alertmanager sends 0001-01-01T00:00:00Z for "not ended".
      endsAt: endsAt && endsAt.getUTCFullYear() > 1970 ? endsAt : null,
    };
  });
}
