/**
 * Serves the built web app (web/dist) from the gateway: static assets with long cache lifetimes
 * (their names carry content hashes) and index.html for every other GET that is not an API, ops or
 * docs path, so client-side routes survive a reload.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { errorBody } from '../platform/http/error-handler.ts';
import { PUBLIC } from '../platform/http/route-config.ts';
import type { App } from '../platform/http/server.ts';

export const WEB_DIST = new URL('../../web/dist/', import.meta.url).pathname;

const NOT_UI = /^\/(api|internal|health|metrics|docs|openapi\.json|\.well-known)(\/|$)/;

export async function registerWebUi(app: App, dist = WEB_DIST): Promise<boolean> {
  if (!existsSync(join(dist, 'index.html'))) return false;
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: route.config?.auth ?? PUBLIC };
    });
    await scope.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      wildcard: false,
      index: false,
      setHeaders: (reply, path) => {
        reply.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  });
  app.setNotFoundHandler((request, reply) => {
    if (
      request.method === 'GET' &&
      !NOT_UI.test(request.url) &&
      request.headers.accept?.includes('text/html')
    ) {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', dist);
    }
    return reply.status(404).send(errorBody(request, 'ROUTE_NOT_FOUND'));
  });
  return true;
}
