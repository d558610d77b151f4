/**
 * The Fastify factory every process uses: request ids, JSON logs with trace ids, metrics per route
 * template, tracing spans with W3C context, security headers, CORS to the configured origin, body and
 * rate limits, schema validation with zod and the one error mapping. Routes are added by the caller.
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { badRequest, tooManyRequests } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { Metrics } from '../metrics.ts';
import { extractContext, tracer } from '../tracing.ts';
import { errorBody, handleError, handleNotFound } from './error-handler.ts';

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  Logger,
  ZodTypeProvider
>;

export interface HttpServerOptions {
  processName: string;
  logger: Logger;
  metrics: Metrics;
  bodyLimit: number;
  corsOrigin?: string | undefined;
  rateLimitPerMinute: number;
  trustProxy: boolean;
  title: string;
  /** Maintenance mode switch, read on every write. */
  maintenance?: () => boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;
const SPAN = Symbol('span');
const STARTED = Symbol('started');

type Timed = FastifyRequest & { [SPAN]?: Span; [STARTED]?: bigint };

export async function createHttpServer(o: HttpServerOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: o.logger,
    // We log each request once, on completion, with its trace id (see onResponse).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: o.bodyLimit,
    trustProxy: o.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  // PostgreSQL text cannot hold U+0000 and no input of ours has a use for it: a NUL anywhere in the
  // parameters, query or body is invalid input (400), not a database failure (500) — product.md §5.
  app.addHook('preHandler', async (request) => {
    const path =
      nulAt(request.params, 'params') ?? nulAt(request.query, 'querystring') ?? nulAt(request.body, 'body');
    if (path)
      throw badRequest('VALIDATION_FAILED', {
        details: { issues: [{ path, message: 'must not contain NUL characters' }] },
      });
  });

  app.addHook('onRoute', (route) => {
    // API, internal and ops routes must say who may call them. Everything else (the API docs UI,
    // CORS pre-flight, the web app's static files) is public by nature.
    const isApi = /^\/(api|internal|health|metrics|openapi\.json|\.well-known)(\/|$)/.test(route.url);
    if (!route.config?.auth && (!isApi || route.method === 'OPTIONS')) {
      route.config = { ...route.config, auth: { kind: 'public' } };
    }
    if (!route.config?.auth) {
      throw new Error(`route ${route.method} ${route.url} declares no auth requirement`);
    }
  });

  app.addHook('onRequest', (request: Timed, reply, done) => {
    request[STARTED] = process.hrtime.bigint();
    reply.header('x-request-id', request.id);
    const parent = extractContext(request.headers as Record<string, string>);
    const span = tracer().startSpan(
      `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.method': request.method, 'http.route': request.routeOptions.url ?? '' },
      },
      parent,
    );
    request[SPAN] = span;
    // Everything after this hook (handlers, logs, outgoing calls) runs inside the span.
    context.with(trace.setSpan(parent, span), done);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!o.maintenance?.()) return;
    const method = request.method;
    if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
    const config = request.routeOptions.config;
    if (config?.maintenanceAllowed || config?.auth?.kind === 'service') return;
    reply.header('retry-after', '300');
    return reply.status(503).send(errorBody(request, 'MAINTENANCE_MODE'));
  });

  app.addHook('onResponse', (request: Timed, reply, done) => {
    const route = request.proxiedRoute?.template ?? request.routeOptions.url ?? 'unmatched';
    const service = request.routeOptions.config?.service ?? o.processName;
    const seconds = Number(process.hrtime.bigint() - (request[STARTED] ?? process.hrtime.bigint())) / 1e9;
    const labels = { service, method: request.method, route };
    o.metrics.httpRequests.inc({ ...labels, status: String(reply.statusCode) });
    o.metrics.httpDuration.observe(labels, seconds);
    const span = request[SPAN];
    if (span) {
      span.setAttribute('http.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const userId = request.principal?.kind === 'user' ? request.principal.userId : undefined;
    request.log[reply.statusCode >= 500 ? 'warn' : 'info'](
      {
        method: request.method,
        route,
        status: reply.statusCode,
        duration_ms: Math.round(seconds * 1000),
        ...(userId ? { user_id: userId } : {}),
      },
      'request completed',
    );
    done();
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'self'", 'https://*.box.com', 'https://app.box.com'],
        formAction: ["'self'"],
        // Plain-http installations (the demo on a LAN address) must still load their assets;
        // HTTPS deployments rely on HSTS, which helmet sets.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cors, {
    origin: o.corsOrigin ? [o.corsOrigin] : false,
    credentials: true,
    exposedHeaders: ['x-request-id', 'retry-after', 'content-disposition'],
  });
  await app.register(rateLimit, {
    global: true,
    max: o.rateLimitPerMinute,
    timeWindow: 60_000,
    allowList: (req) =>
      req.url.startsWith('/health') || req.url === '/metrics' || req.url.startsWith('/internal/'),
    // Thrown as an AppError so the one error mapping answers it, in the caller's language.
    errorResponseBuilder: (_request, ctx) => tooManyRequests(ctx.ttl / 1000),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: o.title, version: '1.0.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'afb_access' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  return app;
}

export function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: Parameters<typeof errorBody>[1],
) {
  return reply.status(status).send(errorBody(request, code));
}

/**
 * The path of the first string holding U+0000 in parsed input. Only parsed JSON (plain objects and
 * arrays) is walked: raw bodies — buffers, and the gateway's pass-through streams, whose object
 * graph reaches the socket and server — are not input we interpret.
 */
function nulAt(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return undefined;
  for (const [key, v] of Object.entries(value)) {
    const found = nulAt(v, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
