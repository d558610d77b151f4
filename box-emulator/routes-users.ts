import type { FastifyInstance } from 'fastify';
import { authOf, type Deps, isPrivileged } from './context.ts';
import { badParam, forbidden, notFound } from './errors.ts';
import { parseFields } from './fields.ts';
import { markerPage, offsetPage, parseLimit, parseOffset, wantsMarkerPaging } from './paging.ts';
import { userFull } from './serialize-user.ts';

type Query = Record<string, string | undefined>;

export function registerUserRoutes(app: FastifyInstance, deps: Deps): void {
  const { store } = deps;

  app.get('/2.0/users/me', async (req) => {
    const ctx = authOf(req);
    return userFull(store, ctx.user, parseFields((req.query as Query).fields));
  });

  app.get('/2.0/users', async (req) => {
    const ctx = authOf(req);
    if (!isPrivileged(ctx.user)) throw forbidden();
    const q = req.query as Query;
    const userType = q.user_type ?? 'all';
    if (!['all', 'managed', 'external'].includes(userType))
      throw badParam('user_type', 'user_type must be all, managed or external');
    const term = (q.filter_term ?? '').toLowerCase();
    const users = [...store.users.values()]
      .filter((u) => u.kind !== 'service_account')
      .filter((u) => userType === 'all' || u.kind === userType)
      .filter((u) => !term || u.name.toLowerCase().startsWith(term) || u.login.toLowerCase().startsWith(term))
      .sort((a, b) => a.login.localeCompare(b.login));
    const fields = parseFields(q.fields);
    const limit = parseLimit(q.limit, 100, 1000);
    const page = wantsMarkerPaging(q)
      ? markerPage(users, q.marker, limit)
      : offsetPage(users, parseOffset(q.offset), limit);
    return { ...page.meta, entries: page.entries.map((u) => userFull(store, u, fields)) };
  });

  app.get('/2.0/users/:id', async (req) => {
    authOf(req);
    const user = store.users.get((req.params as { id: string }).id);
    if (!user || user.kind === 'service_account') throw notFound();
    return userFull(store, user, parseFields((req.query as Query).fields));
  });
}
