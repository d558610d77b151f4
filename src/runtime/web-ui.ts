/**
 * Serves the built web app (web/dist) from the gateway: static assets with long cache lifetimes
 * (their names carry content hashes) and index.html for every other GET that is not an API, ops or
 * docs path, so client-side routes survive a reload.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { errorBody } from '../platform/http/error-handler.ts';
import { PUBLIC } from '../platform/http/route-config.ts';
import type { App } from '../platform/http/server.ts';
import { packagePath } from '../platform/package-root.ts';

export const WEB_DIST = packagePath('web', 'dist');

const NOT_UI = /^\/(api|internal|health|metrics|docs|openapi\.json|\.well-known)(\/|$)/;

export async function registerWebUi(app: App, dist = WEB_DIST): Promise<boolean> {
  if (!existsSync(join(dist, 'index.html'))) return false;
  // @fastify/static gives its own routes no config, and the platform refuses a route that has not
  // declared its auth by the time it is added (a scoped onRoute hook runs too late): the plugin only
  // lends reply.sendFile, and the public routes are ours.
  await app.register(fastifyStatic, { root: dist, serve: false, cacheControl: false });
  const route = { config: { auth: PUBLIC }, schema: { hide: true } };
  app.get('/assets/*', route, (request, reply) => {
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    return reply.sendFile(`assets/${(request.params as { '*': string })['*']}`);
  });
  for (const entry of readdirSync(dist, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'index.html') continue;
    const csp = entry.name.endsWith('.html')
      ? standalonePagePolicy(readFileSync(join(dist, entry.name), 'utf8'))
      : null;
    app.get(`/${entry.name}`, route, (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      if (csp) reply.header('content-security-policy', csp);
      return reply.sendFile(entry.name);
    });
  }
  // Client-side routes: every other GET. A catch-all route rather than a second not-found handler,
  // which Fastify refuses (the platform has set one).
  app.get('/*', route, (request, reply) => {
    if (!NOT_UI.test(request.url) && request.headers.accept?.includes('text/html')) {
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html');
    }
    return reply.status(404).send(errorBody(request, 'ROUTE_NOT_FOUND'));
  });
  return true;
}

/**
 * A standalone page (e.g. verify-bundle.html, the offline evidence verifier) carries its script
 * inline so it stays one file: it may run exactly those scripts (by hash) and reach nothing at all.
 */
export function standalonePagePolicy(html: string): string {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
    const attributes = m[1] ?? '';
    if (/\ssrc=/.test(attributes) || /type="application\/json"/.test(attributes)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(m[2]!, 'utf8').digest('base64')}'`);
  }
  return [
    "default-src 'none'",
    `script-src ${hashes.length > 0 ? hashes.join(' ') : "'none'"}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
