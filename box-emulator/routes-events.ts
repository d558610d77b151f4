import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type AuthContext, authOf, type Deps, requireScope } from './context.ts';
import { badParam, forbidden } from './errors.ts';
import {
  adminLogsPage,
  type EventFaultHooks,
  parsePosition,
  streamingPage,
  userPage,
} from './event-pages.ts';
import type { Faults } from './faults.ts';
import { parseLimit } from './paging.ts';
import { type Query, query } from './route-helpers.ts';

const STREAMS = ['all', 'changes', 'sync', 'admin_logs', 'admin_logs_streaming'] as const;
type Stream = (typeof STREAMS)[number];

function faultHooks(faults: Faults): EventFaultHooks {
  const take = (kind: 'duplicate-events' | 'reorder-events' | 'expire-stream-position') => () => {
    const f = faults.pending(kind);
    if (f) faults.use(f);
    return f !== undefined;
  };
  return {
    expire: take('expire-stream-position'),
    duplicate: take('duplicate-events'),
    reorder: take('reorder-events'),
  };
}

/** Enterprise streams: an admin (or the app's service account) and an app with manage_enterprise_properties. */
function checkEnterpriseAccess(ctx: AuthContext): void {
  const u = ctx.user;
  if (!(u.role === 'admin' || u.kind === 'service_account')) {
    throw forbidden(
      'Enterprise events need an admin or the service account of an app with manage_enterprise_properties',
    );
  }
  requireScope(ctx, 'manage_enterprise_properties');
}

function parseTime(q: Query, name: 'created_after' | 'created_before'): number | undefined {
  const raw = q[name];
  if (raw === undefined || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw badParam(name, `${name} must be an RFC 3339 date-time`);
  return ms;
}

export const channelOf = (userId: string): string =>
  createHash('sha256').update(`channel:${userId}`).digest('hex').slice(0, 20);

export function registerEventRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  app.get('/2.0/events', async (req) => {
    const ctx = authOf(req);
    const q = query(req);
    const stream = (q.stream_type ?? 'all') as Stream;
    if (!STREAMS.includes(stream))
      throw badParam('stream_type', `stream_type must be one of ${STREAMS.join(', ')}`);
    const limit = parseLimit(q.limit, 100, 500);
    const position = parsePosition(q.stream_position);
    const nowMs = deps.clock.now().getTime();
    const hooks = faultHooks(deps.faults);
    let page: { entries: unknown[]; next: string };
    if (stream === 'admin_logs' || stream === 'admin_logs_streaming') {
      checkEnterpriseAccess(ctx);
      const types = q.event_type
        ? new Set(
            q.event_type
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          )
        : null;
      page =
        stream === 'admin_logs'
          ? adminLogsPage(store.events, nowMs, position, limit, types, {
              ...(parseTime(q, 'created_after') !== undefined
                ? { afterMs: parseTime(q, 'created_after') }
                : {}),
              ...(parseTime(q, 'created_before') !== undefined
                ? { beforeMs: parseTime(q, 'created_before') }
                : {}),
            })
          : streamingPage(store.events, nowMs, position, limit, types, hooks);
    } else {
      requireScope(ctx, 'root_readonly');
      page = userPage(store.events, ctx.user.id, stream, nowMs, position, limit, hooks);
    }
    return { chunk_size: page.entries.length, next_stream_position: page.next, entries: page.entries };
  });

  app.options('/2.0/events', async (req) => {
    const ctx = authOf(req);
    return {
      chunk_size: 1,
      entries: [
        {
          type: 'realtime_server',
          url: `${deps.publicUrl()}/subscribe?channel=${channelOf(ctx.user.id)}&stream_type=all`,
          ttl: '10',
          max_retries: '10',
          retry_timeout: 610,
        },
      ],
    };
  });

  /** Long poll: `new_change` as soon as the user has an event after `stream_position`, else `reconnect`. */
  app.get('/subscribe', async (req) => {
    const q = query(req);
    const user = [...store.users.values()].find((u) => channelOf(u.id) === q.channel);
    if (!user) return { message: 'reconnect' };
    const position = q.stream_position ?? 'now';
    const startHead = store.events.user.length;
    const hasNew = (): boolean => {
      const since =
        position === 'now'
          ? startHead
          : Number(BigInt(/^\d+$/.test(position) ? position : '0') - (1n << 60n));
      return store.events.user.slice(Math.max(0, since)).some((e) => e.userIds.includes(user.id));
    };
    if (hasNew()) return { message: 'new_change' };
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ message: 'reconnect' }), 30_000);
      timer.unref();
      const wake = (): void => {
        if (hasNew()) {
          clearTimeout(timer);
          resolve({ message: 'new_change' });
        } else store.userEventListeners.push(wake);
      };
      store.userEventListeners.push(wake);
      req.raw.on('close', () => clearTimeout(timer));
    });
  });
}
