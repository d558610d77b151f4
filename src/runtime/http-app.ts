/**
 * The HTTP application of a process: the platform server, authentication before validation, health
 * and metrics, the OpenAPI document, and each hosted service's routes tagged with the service that
 * owns them (for metrics and for the gateway's route table).
 */
import swaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import type { AuthVerifier } from '../platform/auth/verifier.ts';
import type { Config } from '../platform/config.ts';
import { createAuthenticateHook } from '../platform/http/authenticate.ts';
import { type ReadinessCheck, registerOpsRoutes } from '../platform/http/ops-routes.ts';
import { type AuthRequirement, PUBLIC, SERVICE_ONLY } from '../platform/http/route-config.ts';
import { type App, createHttpServer } from '../platform/http/server.ts';
import type { Logger } from '../platform/logging.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { ServiceModule } from '../platform/service-module.ts';

export interface RouteEntry {
  method: string;
  url: string;
  service: string;
  auth: AuthRequirement['kind'];
  stream: boolean;
}

/** Routes the gateway exposes: the public API and the JWKS. Internal, ops and docs routes stay inside. */
export function isPublicRoute(url: string): boolean {
  return url.startsWith('/api/v1/') || url === '/.well-known/jwks.json';
}

export interface ProcessApp {
  app: App;
  routes: RouteEntry[];
  registerModule(module: ServiceModule): Promise<void>;
}

export async function createProcessApp(o: {
  processName: string;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  verifier: AuthVerifier;
  readiness: Record<string, ReadinessCheck>;
  maintenance: () => boolean;
  docsUi: boolean;
  corsOrigin: string;
}): Promise<ProcessApp> {
  const app = await createHttpServer({
    processName: o.processName,
    logger: o.logger,
    metrics: o.metrics,
    bodyLimit: o.config.AUDITOR_BODY_LIMIT,
    corsOrigin: o.corsOrigin,
    rateLimitPerMinute: o.config.AUDITOR_RATE_LIMIT_PER_MINUTE,
    trustProxy: o.config.AUDITOR_TRUST_PROXY,
    title: `Auditor for Box — ${o.processName}`,
    maintenance: o.maintenance,
  });
  const routes: RouteEntry[] = [];
  // Set while a module registers its routes, so each route is tagged with its owning service.
  let currentService: string | undefined;
  app.addHook('onRoute', (route) => {
    if (currentService) route.config = { ...route.config, service: currentService };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routes.push({
        method,
        url: route.url,
        service: route.config?.service ?? o.processName,
        auth: route.config?.auth?.kind ?? 'public',
        stream: route.config?.stream === true,
      });
    }
  });
  const authenticate = createAuthenticateHook(o.verifier);
  app.addHook('preValidation', async (request, reply) => {
    if (request.is404) return;
    await authenticate(request, reply);
  });
  registerOpsRoutes(app, o.metrics, o.readiness);
  app.get('/openapi.json', { config: { auth: PUBLIC }, schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/internal/routes',
    {
      config: { auth: SERVICE_ONLY },
      schema: { hide: true, response: { 200: z.object({ items: z.array(z.any()) }) } },
    },
    async () => ({ items: routes.filter((r) => isPublicRoute(r.url)) }),
  );
  if (o.docsUi) await app.register(swaggerUi, { routePrefix: '/docs' });
  return {
    app,
    routes,
    async registerModule(module) {
      currentService = module.processName;
      try {
        await app.register(async (scope) => {
          await module.registerRoutes(scope as unknown as App);
        });
      } finally {
        currentService = undefined;
      }
    },
  };
}
