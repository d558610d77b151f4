/** Request and response schemas of the event API. */
import { z } from 'zod';

const csv = (item: z.ZodString, max: number) =>
  z
    .string()
    .max(4000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(max));

export const boxIdSchema = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'a Box id');
const isoDateTime = z.string().datetime({ offset: true });

export const eventFilterQuery = z.object({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  actor: csv(boxIdSchema, 50).optional(),
  type: csv(z.string().regex(/^[A-Z0-9_.]{1,80}$/, 'an event type'), 100).optional(),
  item: csv(boxIdSchema, 200).optional(),
  folder: boxIdSchema.optional(),
  auditSet: z.string().uuid().optional(),
});

export const orderSchema = z.enum(['asc', 'desc']).default('desc');

export const searchQuerySchema = eventFilterQuery.extend({
  order: orderSchema,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});

export const exportQuerySchema = eventFilterQuery.extend({
  order: orderSchema,
  format: z.enum(['csv', 'json']),
});

export const statsQuerySchema = eventFilterQuery.extend({
  tz: z
    .string()
    .max(64)
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone')
    .default('UTC'),
});

const userRef = z.object({ id: z.string(), name: z.string().nullable(), login: z.string().nullable() });

export const eventSchema = z.object({
  eventId: z.string(),
  type: z.string(),
  createdAt: z.string(),
  recordedAt: z.string().nullable(),
  actor: userRef.nullable(),
  item: z
    .object({
      id: z.string(),
      type: z.string(),
      name: z.string().nullable(),
      parentId: z.string().nullable(),
    })
    .nullable(),
  ownerId: z.string().nullable(),
  ipAddress: z.string().nullable(),
  sessionId: z.string().nullable(),
  additionalDetails: z.unknown().nullable(),
  leafIndex: z.number().int().nullable(),
});

export type EventDto = z.infer<typeof eventSchema>;

export const statsSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  total: z.number().int(),
  perDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
  perType: z.array(z.object({ type: z.string(), count: z.number().int() })),
});

const isoOrNull = z.string().nullable();

export const ingestStatusSchema = z.object({
  ingestion: z.object({
    enabledHere: z.boolean().describe('AUDITOR_INGEST_ENABLED on the replica that answered'),
    leader: z.string().nullable().describe("The replica holding the organisation's ingest lease, if any"),
    started: z.boolean().describe("False until the ingester first reached the organisation's Box"),
    lastPollAt: isoOrNull,
    caughtUpAt: isoOrNull.describe('Last poll that reached the head of the stream (the watermark)'),
    newestEventAt: isoOrNull,
    eventsStored: z.number().int(),
    lastError: z.string().nullable(),
    lagSeconds: z.number().describe('As auditor_box_ingest_lag_seconds defines it'),
    lagReference: z.enum(['caught-up', 'newest-event', 'none']),
    pollIntervalSeconds: z.number(),
    backfillsRunning: z.number().int(),
  }),
  eventsPerDay: z.object({
    from: z.string(),
    to: z.string(),
    total: z.number().int(),
    days: z.array(z.object({ day: z.string(), count: z.number().int() })),
  }),
});
