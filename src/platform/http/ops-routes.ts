/**
 * `/metrics`, `/health/live` and `/health/ready` of every process. Live means the event loop answers;
 * ready means every check passes (database reachable, migrations current, whatever the process adds),
 * so a load balancer stops sending traffic while PostgreSQL is away and resumes when it is back.
 */
import { z } from 'zod';
import type { Metrics } from '../metrics.ts';
import { PUBLIC } from './route-config.ts';
import type { App } from './server.ts';

export type ReadinessCheck = () => Promise<void>;

export function registerOpsRoutes(app: App, metrics: Metrics, checks: Record<string, ReadinessCheck>): void {
  app.get(
    '/metrics',
    { config: { auth: PUBLIC }, schema: { hide: true } as object },
    async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
  app.get(
    '/health/live',
    {
      config: { auth: PUBLIC },
      schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health/ready',
    {
      config: { auth: PUBLIC },
      schema: {
        tags: ['operations'],
        response: {
          200: z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.string()) }),
          503: z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.string()) }),
        },
      },
    },
    async (_request, reply) => {
      const results: Record<string, string> = {};
      let ok = true;
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await withTimeout(check(), 3000);
            results[name] = 'ok';
          } catch (err) {
            ok = false;
            results[name] = String((err as Error).message).slice(0, 200);
          }
        }),
      );
      reply.status(ok ? 200 : 503);
      return { status: ok ? ('ready' as const) : ('not_ready' as const), checks: results };
    },
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
