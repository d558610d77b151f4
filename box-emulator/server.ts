import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { authenticate, type Deps } from './context.ts';
import type { EmulatorControls } from './controls.ts';
import { BoxHttpError, errorBody, OAuthError } from './errors.ts';
import { registerCollaborationRoutes } from './routes-collaborations.ts';
import { registerContentRoutes } from './routes-content.ts';
import { registerControlRoutes } from './routes-control.ts';
import { registerEventRoutes } from './routes-events.ts';
import { registerFileRoutes } from './routes-files.ts';
import { registerFolderRoutes } from './routes-folders.ts';
import { registerOAuthRoutes } from './routes-oauth.ts';
import { registerUploadRoutes } from './routes-upload.ts';
import { registerUserRoutes } from './routes-users.ts';
import { registerVersionRoutes } from './routes-versions.ts';
import { registerWebhookRoutes } from './routes-webhooks.ts';

const pathOf = (url: string): string => url.split('?')[0] ?? url;
const needsAuth = (path: string): boolean => path.startsWith('/2.0/') || path.startsWith('/api/2.0/');
const isControl = (path: string): boolean => path.startsWith('/_emulator/');

function retryAfterHeaders(status: number, retryAfter: number | undefined): Record<string, string> {
  if (retryAfter !== undefined) return { 'retry-after': String(retryAfter) };
  return status === 429 ? { 'retry-after': '1' } : {};
}

const FAULT_CODES: Record<number, [string, string]> = {
  429: ['rate_limit_exceeded', 'Request rate limit exceeded, please try again later'],
  500: ['internal_server_error', 'Internal Server Error'],
  502: ['bad_gateway', 'Bad Gateway'],
  503: ['unavailable', 'Unavailable'],
};

/** The Fastify app: Box's routes, Box's errors, faults, request ids and the request log. */
export function buildServer(deps: Deps, controls: EmulatorControls, logger: boolean): FastifyInstance {
  const app = Fastify({
    logger,
    genReqId: () => randomBytes(8).toString('hex'),
    bodyLimit: 110 * 1024 * 1024,
  });
  app.decorateRequest('box', null);
  app.decorateRequest('boxFault', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, raw, done) => {
    const text = String(raw);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new BoxHttpError(400, 'bad_request', 'Bad Request: invalid JSON body'), undefined);
    }
  });
  app.register(formbody);
  app.register(multipart, { limits: { fileSize: 100 * 1024 * 1024, files: 2 } });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('box-request-id', req.id);
    const path = pathOf(req.url);
    if (isControl(path)) return;
    const latency = deps.faults.take('latency', req.method, path);
    if (latency?.kind === 'latency') await new Promise((r) => setTimeout(r, latency.ms));
    const fault = deps.faults.take('response', req.method, path);
    if (fault?.kind === 'drop-connection') {
      req.boxFault = 'drop-connection';
      deps.requestLog.record({
        requestId: req.id,
        time: deps.clock.now().toISOString(),
        method: req.method,
        path,
        query: { ...(req.query as object) },
        status: 0,
        fault: 'drop-connection',
      });
      reply.hijack();
      req.raw.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      req.boxFault = `status:${fault.status}`;
      const headers = retryAfterHeaders(fault.status, fault.retryAfter);
      if (fault.status === 202) return reply.code(202).headers(headers).send();
      const [code, message] = FAULT_CODES[fault.status] ?? ['fault', 'Injected fault'];
      throw new BoxHttpError(fault.status, code, message, undefined, headers);
    }
    if (needsAuth(path)) authenticate(deps, req);
  });

  app.addHook('onResponse', async (req, reply) => {
    if (req.boxFault === 'drop-connection') return;
    const path = pathOf(req.url);
    if (isControl(path)) return;
    deps.requestLog.record({
      requestId: req.id,
      time: deps.clock.now().toISOString(),
      method: req.method,
      path,
      query: { ...((req.query as object) ?? {}) },
      status: reply.statusCode,
      ...(req.box ? { clientId: req.box.app.clientId, userId: req.box.caller.id } : {}),
      ...(req.box?.asUser ? { asUserId: req.box.asUser.id } : {}),
      ...(req.boxFault ? { fault: req.boxFault } : {}),
    });
  });

  app.setErrorHandler((err: FastifyError | BoxHttpError | OAuthError, req, reply) => {
    if (err instanceof OAuthError)
      return reply.code(err.status).send({ error: err.error, error_description: err.description });
    let boxErr: BoxHttpError;
    if (err instanceof BoxHttpError) boxErr = err;
    else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      boxErr = new BoxHttpError(
        err.statusCode,
        err.statusCode === 413 ? 'request_entity_too_large' : 'bad_request',
        `Bad Request: ${err.message}`,
      );
    } else {
      req.log.error(err);
      boxErr = new BoxHttpError(500, 'internal_server_error', 'Internal Server Error');
    }
    if (pathOf(req.url).startsWith('/oauth2/')) {
      return reply
        .code(boxErr.status)
        .headers(boxErr.headers)
        .send({ error: boxErr.code, error_description: boxErr.message });
    }
    return reply.code(boxErr.status).headers(boxErr.headers).send(errorBody(boxErr, req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .send(
        errorBody(new BoxHttpError(404, 'not_found', `Not Found: ${req.method} ${pathOf(req.url)}`), req.id),
      );
  });

  registerOAuthRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerFileRoutes(app, deps);
  registerVersionRoutes(app, deps);
  registerContentRoutes(app, deps);
  registerUploadRoutes(app, deps);
  registerFolderRoutes(app, deps);
  registerCollaborationRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerControlRoutes(app, controls);
  return app;
}
