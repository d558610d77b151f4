/**
 * The maintenance switch over HTTP (operations.md §8): `POST /internal/ops/maintenance` with
 * `{enabled}` and `GET /internal/ops/maintenance` on every service process, the all-in-one process
 * and the gateway, authenticated with the service secret (`Authorization: Service <secret>`).
 * `auditor ops maintenance on|off` calls it on each configured process (distributed mode) or uses the
 * admin socket (all-in-one on the embedded database). The state lives in each process's memory;
 * AUDITOR_MAINTENANCE_MODE sets it at start-up.
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { unauthorized } from '../platform/errors.ts';
import { SERVICE_ONLY } from '../platform/http/route-config.ts';
import type { App } from '../platform/http/server.ts';

export interface MaintenanceSwitch {
  enabled(): boolean;
  set(on: boolean): void;
}

function secretMatches(header: string | undefined, secret: string): boolean {
  if (!header?.startsWith('Service ')) return false;
  const given = Buffer.from(header.slice(8).trim());
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function registerMaintenanceSwitch(app: App, maintenance: MaintenanceSwitch, secret: string): void {
  const state = z.object({ enabled: z.boolean() });
  // The gateway has no authentication hook: the secret is checked here as well.
  const check = (authorization: string | undefined) => {
    if (!secretMatches(authorization, secret)) throw unauthorized();
  };
  app.get(
    '/internal/ops/maintenance',
    { config: { auth: SERVICE_ONLY }, schema: { hide: true, response: { 200: state } } },
    async (request) => {
      check(request.headers.authorization);
      return { enabled: maintenance.enabled() };
    },
  );
  app.post(
    '/internal/ops/maintenance',
    { config: { auth: SERVICE_ONLY }, schema: { hide: true, body: state, response: { 200: state } } },
    async (request) => {
      check(request.headers.authorization);
      maintenance.set(request.body.enabled);
      return { enabled: maintenance.enabled() };
    },
  );
}

/** Sets (or with `enabled` undefined, reads) the switch of one process. */
export async function callMaintenanceSwitch(
  baseUrl: string,
  secret: string,
  enabled?: boolean,
): Promise<{ enabled: boolean }> {
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/internal/ops/maintenance`, {
    method: enabled === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Service ${secret}`,
      'x-auditor-service': 'cli',
      ...(enabled === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(enabled === undefined ? {} : { body: JSON.stringify({ enabled }) }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`${baseUrl}: HTTP ${res.status}`);
  return (await res.json()) as { enabled: boolean };
}
