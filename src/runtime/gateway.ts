/**
 * The gateway in distributed mode: one HTTP entry that routes each request to the service owning
 * its (method, path template), streaming bodies both ways and carrying the trace and request id.
 * Authentication and authorisation happen in the services; the gateway adds rate limits, CORS,
 * security headers, metrics per route, the merged API documentation and the web UI.
 */
import { Readable } from 'node:stream';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { registerMaintenanceSwitch } from '../ops/maintenance-switch.ts';
import type { Config } from '../platform/config.ts';
import { serviceUnavailable } from '../platform/errors.ts';
import { errorBody } from '../platform/http/error-handler.ts';
import { registerOpsRoutes } from '../platform/http/ops-routes.ts';
import { PUBLIC } from '../platform/http/route-config.ts';
import { type App, createHttpServer } from '../platform/http/server.ts';
import { createServiceHttpClient } from '../platform/service-http-client.ts';
import { SERVICES } from '../platform/service-names.ts';
import { shutdownTracing, traceHeaders } from '../platform/tracing.ts';
import { serviceUrls } from './delivery.ts';
import type { RouteEntry } from './http-app.ts';
import { createProcessBasics } from './process-basics.ts';
import { buildRouteTable, type RouteTable } from './route-table.ts';
import { onShutdownSignals } from './shutdown.ts';
import { registerWebUi } from './web-ui.ts';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

export interface RunningGateway {
  url: string;
  port: number;
  app: App;
  table(): RouteTable | undefined;
  close(): Promise<void>;
}

export async function startGateway(o: {
  config: Config;
  logDestination?: DestinationStream;
  handleSignals?: boolean;
}): Promise<RunningGateway> {
  const { config } = o;
  if (!config.AUDITOR_SERVICE_SECRET)
    throw new Error("the gateway needs AUDITOR_SERVICE_SECRET to read the services' route lists");
  const basics = createProcessBasics({
    config,
    components: ['gateway'],
    processName: 'gateway',
    logDestination: o.logDestination,
  });
  const urls = serviceUrls(config);
  for (const s of SERVICES)
    if (!urls[s]) throw new Error(`set AUDITOR_${s.toUpperCase()}_URL for the gateway`);

  let table: RouteTable | undefined;
  async function loadTable(): Promise<void> {
    const lists = await Promise.all(
      SERVICES.map((s) =>
        createServiceHttpClient(urls[s]!, basics.serviceSecret, 'gateway', 5000).call<{
          items: RouteEntry[];
        }>('GET', '/internal/routes'),
      ),
    );
    table = buildRouteTable(lists.flatMap((l) => l.items));
  }
  const retry = setInterval(() => {
    if (table) return clearInterval(retry);
    loadTable().catch((err) =>
      basics.logger.warn({ err: (err as Error).message }, 'route table incomplete; retrying'),
    );
  }, 2000);
  retry.unref();
  await loadTable().catch((err) =>
    basics.logger.warn({ err: (err as Error).message }, 'services not reachable yet; retrying'),
  );

  const app = await createHttpServer({
    processName: 'gateway',
    logger: basics.logger,
    metrics: basics.metrics,
    bodyLimit: config.AUDITOR_BODY_LIMIT,
    corsOrigin: config.AUDITOR_CORS_ORIGIN ?? new URL(basics.publicUrl).origin,
    rateLimitPerMinute: config.AUDITOR_RATE_LIMIT_PER_MINUTE,
    trustProxy: config.AUDITOR_TRUST_PROXY,
    title: 'Auditor for Box',
    maintenance: basics.maintenance.enabled,
  });
  registerOpsRoutes(app, basics.metrics, {
    routes: async () => {
      if (!table) throw new Error('route table not loaded');
    },
  });
  registerMaintenanceSwitch(app, basics.maintenance, basics.serviceSecret);
  let merged: Record<string, unknown> = {};
  app.get('/openapi.json', { config: { auth: PUBLIC }, schema: { hide: true } }, async () => {
    merged = await mergedOpenApi();
    return merged;
  });
  // The docs UI shows the services' merged document (refreshed whenever /openapi.json is fetched).
  await app.register(swaggerUi, { routePrefix: '/docs', transformSpecification: () => merged });
  void mergedOpenApi()
    .then((m) => (merged = m))
    .catch(() => {});

  async function mergedOpenApi() {
    const docs = await Promise.all(
      SERVICES.map(async (s) => {
        const res = await fetch(`${urls[s]}/openapi.json`);
        return (await res.json()) as {
          paths?: Record<string, unknown>;
          components?: { schemas?: Record<string, unknown> };
        };
      }),
    );
    const paths: Record<string, unknown> = {};
    for (const d of docs)
      for (const [p, v] of Object.entries(d.paths ?? {}))
        if (p.startsWith('/api/v1/') || p.startsWith('/.well-known')) paths[p] = v;
    return { openapi: '3.0.3', info: { title: 'Auditor for Box', version: '1.0.0' }, paths };
  }

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.all('/api/v1/*', { config: { auth: PUBLIC, maintenanceAllowed: true } }, proxy);
    scope.get('/.well-known/jwks.json', { config: { auth: PUBLIC } }, proxy);
  });

  async function proxy(request: FastifyRequest, reply: FastifyReply) {
    if (!table) throw serviceUnavailable('UPSTREAM_UNAVAILABLE');
    const match = table.match(request.method, request.url);
    if (!match) return reply.status(404).send(errorBody(request, 'ROUTE_NOT_FOUND'));
    request.proxiedRoute = { template: match.template, service: match.service };
    const base = urls[SERVICES.find((s) => `${s}-service` === match.service) ?? 'identity'];
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    headers['x-forwarded-for'] = [request.headers['x-forwarded-for'], request.ip].filter(Boolean).join(', ');
    headers['x-forwarded-proto'] = request.protocol;
    headers['x-request-id'] = String(request.id);
    Object.assign(headers, traceHeaders());
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
    let upstream: Response;
    try {
      upstream = await fetch(`${base}${request.url}`, {
        method: request.method,
        headers,
        body: hasBody ? (Readable.toWeb(request.body as Readable) as ReadableStream) : undefined,
        // Node's fetch needs duplex: 'half' for streamed request bodies.
        duplex: 'half',
        redirect: 'manual',
      });
    } catch (err) {
      request.log.warn({ err: (err as Error).message, upstream: match.service }, 'upstream unreachable');
      throw serviceUnavailable('UPSTREAM_UNAVAILABLE');
    }
    reply.status(upstream.status);
    upstream.headers.forEach((value, key) => {
      if (!HOP_BY_HOP.has(key) && key !== 'content-encoding') reply.header(key, value);
    });
    const setCookies = upstream.headers.getSetCookie?.() ?? [];
    if (setCookies.length > 0) reply.header('set-cookie', setCookies);
    return reply.send(
      upstream.body ? Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream) : undefined,
    );
  }

  await registerWebUi(app);
  await app.listen({ port: config.PORT, host: config.AUDITOR_HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.AUDITOR_HOST === '0.0.0.0' ? '127.0.0.1' : config.AUDITOR_HOST}:${port}`;
  basics.logger.info({ url, mode: 'gateway' }, 'server listening');
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      clearInterval(retry);
      await app.close();
      await shutdownTracing();
    })());
  const remove = o.handleSignals
    ? onShutdownSignals(close, config.AUDITOR_SHUTDOWN_GRACE_MS, basics.logger)
    : () => {};
  return {
    url,
    port,
    app,
    table: () => table,
    async close() {
      remove();
      await close();
    },
  };
}
