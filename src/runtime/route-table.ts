/**
 * The gateway's routing table: (method, path template) → owning service, built from the route lists
 * the services report about themselves, not from path prefixes. A route claimed by two services is a
 * deployment error and stops the gateway.
 */
import FindMyWay from 'find-my-way';
import { PROCESS_NAMES, SERVICES } from '../platform/service-names.ts';
import type { RouteEntry } from './http-app.ts';

export interface RouteMatch {
  template: string;
  service: string;
}

export interface RouteTable {
  match(method: string, path: string): RouteMatch | undefined;
  entries(): RouteEntry[];
}

export class RouteConflictError extends Error {}

const OWNERS = new Set(SERVICES.map((s) => PROCESS_NAMES[s]));

export function buildRouteTable(entries: RouteEntry[]): RouteTable {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 200 });
  const seen = new Map<string, string>();
  for (const e of entries) {
    if (!OWNERS.has(e.service))
      throw new RouteConflictError(`${e.method} ${e.url} is claimed by no service (owner "${e.service}")`);
    // `/users/:id` and `/users/:userId` are the same route to the router: compare without param names.
    const key = `${e.method} ${e.url.replace(/:[^/]+/g, ':')}`;
    const owner = seen.get(key);
    if (owner && owner !== e.service)
      throw new RouteConflictError(`${e.method} ${e.url} is claimed by both ${owner} and ${e.service}`);
    if (owner) continue;
    seen.set(key, e.service);
    router.on(e.method as 'GET', e.url, () => {}, { template: e.url, service: e.service });
  }
  return {
    match(method, path) {
      const found = router.find(method as 'GET', path.split('?')[0] ?? path);
      return (found?.store as RouteMatch | undefined) ?? undefined;
    },
    entries: () => entries,
  };
}
