import type { FastifyRequest } from 'fastify';
import type { Clock } from './clock.ts';
import { BoxHttpError, forbidden, insufficientScope, unauthorized } from './errors.ts';
import type { ActCtx } from './events-record.ts';
import type { Faults } from './faults.ts';
import type { OAuthService } from './oauth.ts';
import type { BoxAppConfig } from './options.ts';
import type { RequestLog } from './request-log.ts';
import type { BoxStore } from './store.ts';
import type { TokenRec, UserRec } from './types.ts';
import type { WebhookDelivery } from './webhook-delivery.ts';

/** Who is calling: the token's user (`caller`) and, with As-User, the user acted as (`user`). */
export interface AuthContext {
  token: TokenRec;
  app: BoxAppConfig;
  caller: UserRec;
  user: UserRec;
  asUser: UserRec | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    box: AuthContext | null;
    boxFault: string | null;
  }
}

/** Everything the routes share. */
export interface Deps {
  store: BoxStore;
  clock: Clock;
  oauth: OAuthService;
  faults: Faults;
  requestLog: RequestLog;
  webhooks: WebhookDelivery;
  demo: boolean;
  publicUrl(): string;
  serviceAccountOf(app: BoxAppConfig): UserRec;
  /** Short-lived download URLs: token → what to serve. */
  downloads: Map<string, { fileId: string; versionId: string; expiresMs: number }>;
}

export function authOf(req: FastifyRequest): AuthContext {
  if (!req.box) throw unauthorized(false);
  return req.box;
}

export const isPrivileged = (u: UserRec): boolean =>
  u.role === 'admin' || u.role === 'coadmin' || u.kind === 'service_account';

/** Validates the bearer token and the As-User header (Box's rules) and stores the result on the request. */
export function authenticate(deps: Deps, req: FastifyRequest): void {
  const header = req.headers.authorization ?? '';
  if (!/^Bearer\s+\S+/i.test(header)) throw unauthorized(false);
  const token = deps.oauth.tokenFor(header.replace(/^Bearer\s+/i, '').trim());
  const app = token ? deps.oauth.app(token.clientId) : undefined;
  const caller = token ? deps.store.users.get(token.userId) : undefined;
  if (!token || !app || !caller || caller.status !== 'active') throw unauthorized(true);
  const asUserId = req.headers['as-user'];
  if (asUserId === undefined) {
    req.box = { token, app, caller, user: caller, asUser: null };
    return;
  }
  if (!app.canActAsUser || !isPrivileged(caller)) {
    throw forbidden(
      'The As-User header requires an admin or service account of an app allowed to make calls as users',
    );
  }
  const target = typeof asUserId === 'string' ? deps.store.users.get(asUserId) : undefined;
  if (!target || target.kind === 'external')
    throw new BoxHttpError(
      400,
      'bad_request',
      'Bad Request: the As-User user does not exist in this enterprise',
    );
  if (target.status !== 'active') throw forbidden('The As-User user is not active');
  if (caller.kind === 'managed' && caller.role === 'coadmin' && target.role === 'admin')
    throw forbidden('A co-admin cannot act as an admin');
  req.box = { token, app, caller, user: target, asUser: target };
}

/** Read calls need root_readonly or root_readwrite; writes root_readwrite; others their own scope. */
export function requireScope(ctx: AuthContext, scope: string): void {
  const scopes = ctx.token.scopes;
  if (scopes.includes(scope)) return;
  if (scope === 'root_readonly' && scopes.includes('root_readwrite')) return;
  throw insufficientScope(scope);
}

/** The actor of changes made by this request. */
export function actCtx(deps: Deps, req: FastifyRequest): ActCtx {
  const ctx = authOf(req);
  return { at: deps.clock.now(), actor: ctx.user, actionBy: ctx.asUser ? ctx.caller : null, ip: req.ip };
}
