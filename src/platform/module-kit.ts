/**
 * Assembles a ServiceModule from its parts so each service only states what is its own: migrations,
 * routes, message handlers and background jobs. The relay (if the service produces messages), the
 * receiver with its internal delivery endpoint (if it consumes any) and shutdown order come from here.
 */
import { z } from 'zod';
import type { Migration } from './db/migrator.ts';
import type { ReadinessCheck } from './http/ops-routes.ts';
import { SERVICE_ONLY } from './http/route-config.ts';
import type { App } from './http/server.ts';
import type { Envelope } from './messaging/catalogue.ts';
import { subscriptionsOf } from './messaging/catalogue.ts';
import { createMessageReceiver, type MessageHandler } from './messaging/receiver.ts';
import { createRelay } from './messaging/relay.ts';
import type { ServiceContext, ServiceModule } from './service-module.ts';
import { SCHEMAS, type ServiceName } from './service-names.ts';

export interface BackgroundJob {
  name: string;
  start(): void;
  stop(): Promise<void>;
}

export interface ModuleParts {
  name: ServiceName;
  migrations: Migration[];
  registerRoutes?(app: App): void | Promise<void>;
  handlers?: MessageHandler[];
  jobs?: BackgroundJob[];
  readiness?: Record<string, ReadinessCheck>;
}

const envelopeSchema = z.object({
  id: z.string().uuid(),
  topic: z.string(),
  key: z.string(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  traceparent: z.string().optional(),
});

export function assembleModule(ctx: ServiceContext, parts: ModuleParts): ServiceModule {
  const schema = SCHEMAS[parts.name];
  const produces = subscriptionsOf(parts.name).length > 0;
  const relay = produces
    ? createRelay({
        database: ctx.database,
        schema,
        producer: parts.name,
        processName: ctx.processName,
        deliver: ctx.deliver,
        clock: ctx.clock,
        logger: ctx.log,
        metrics: ctx.metrics,
        pollMs: ctx.config.AUDITOR_OUTBOX_POLL_INTERVAL,
        batchSize: ctx.config.AUDITOR_OUTBOX_BATCH_SIZE,
        leaseTtlMs: ctx.config.AUDITOR_OUTBOX_LEASE_TTL,
        maxBackoffMs: ctx.config.AUDITOR_OUTBOX_MAX_BACKOFF,
        retentionMs: ctx.config.AUDITOR_OUTBOX_RETENTION,
      })
    : undefined;
  const receiver = parts.handlers?.length
    ? createMessageReceiver(ctx.database, schema, parts.handlers)
    : undefined;
  const jobs = parts.jobs ?? [];
  let started = false;

  return {
    name: parts.name,
    processName: ctx.processName,
    migrations: { service: parts.name, schema, migrations: parts.migrations },
    receiver,
    readiness: parts.readiness,
    async registerRoutes(app) {
      await parts.registerRoutes?.(app);
      if (receiver) {
        app.post(
          `/internal/${parts.name}/messages/:subscriber`,
          {
            config: { auth: SERVICE_ONLY },
            schema: {
              hide: true,
              params: z.object({ subscriber: z.enum(receiver.subscribers as [string, ...string[]]) }),
              body: z.object({ messages: z.array(envelopeSchema).max(10_000) }),
            },
            bodyLimit: 64 * 1024 * 1024,
          },
          async (request, reply) => {
            await receiver.receive(request.params.subscriber, request.body.messages as unknown as Envelope[]);
            return reply.status(204).send();
          },
        );
      }
    },
    async start() {
      started = true;
      relay?.start();
      for (const job of jobs) job.start();
    },
    async stop(graceMs) {
      if (!started) return;
      started = false;
      for (const job of [...jobs].reverse()) await job.stop();
      if (relay) {
        await relay.stop();
        // Flush what is already committed so subscribers see it before we exit.
        await relay.drain(Math.max(0, graceMs)).catch(() => false);
        await relay.stop();
      }
    },
    relay,
  };
}
