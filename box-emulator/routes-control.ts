import type { FastifyInstance } from 'fastify';
import type { EmulatorControls } from './controls.ts';
import { badParam } from './errors.ts';
import { query } from './route-helpers.ts';

/** `/_emulator/*`: faults, tampering, activity, request log, summary (never faulted, no auth). */
export function registerControlRoutes(app: FastifyInstance, controls: EmulatorControls): void {
  app.get('/_emulator/faults', async () => ({ entries: controls.faults() }));
  app.post('/_emulator/faults', async (req, reply) =>
    reply.code(201).send(controls.addFault(req.body as never)),
  );
  app.delete('/_emulator/faults', async (_req, reply) => {
    controls.clearFaults();
    return reply.code(204).send();
  });

  app.post('/_emulator/tamper', async (req) => controls.tamper(req.body as never));

  app.post('/_emulator/activity', async (req) => {
    const n = (req.body as { events?: unknown } | undefined)?.events;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100_000)
      throw badParam('events', 'events must be an integer 0..100000');
    return controls.generateActivity(n);
  });

  app.get('/_emulator/state/summary', async () => controls.summary());

  app.get('/_emulator/requests', async (req) => {
    const q = query(req);
    return {
      entries: controls.requests({
        ...(q.method ? { method: q.method } : {}),
        ...(q.path ? { pathPrefix: q.path } : {}),
        ...(q.since ? { since: q.since } : {}),
      }),
    };
  });
  app.delete('/_emulator/requests', async (_req, reply) => {
    controls.clearRequests();
    return reply.code(204).send();
  });

  app.post('/_emulator/webhooks/flush', async () => ({ retried: await controls.flushWebhooks() }));
  app.get('/_emulator/webhooks/deliveries', async () => ({ entries: controls.webhookDeliveries() }));
}
