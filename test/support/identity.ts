/**
 * Identity fixtures for tests: the cast of roles (an audit admin, the Box enterprise admin, a Box
 * general user, an external auditor, another organisation's admin), sessions for Box users without a
 * Box round trip, API tokens, and row counts of the identity schema (to show a refused request wrote
 * nothing).
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Role } from '../../src/platform/messaging/catalogue.ts';
import type { UserRow } from '../../src/services/identity/identity-tables.ts';
import { TEST_PASSWORD, type TestApp } from './test-app.ts';

export interface Actor {
  userId: string;
  orgId: string;
  email: string;
  /** Access token (JWT) of a fresh session. */
  token: string;
  refreshToken: string;
}

export interface Cast {
  /** Password (bootstrap) audit admin of organisation A. */
  admin: Actor;
  /** Box enterprise admin of organisation A (AUDIT_ADMIN + GENERAL_USER, box role `admin`). */
  boxAdmin: Actor;
  /** Box general user of organisation A. */
  generalUser: Actor;
  /** External auditor of organisation A (password sign-in). */
  auditor: Actor;
  /** Audit admin of organisation B. */
  otherAdmin: Actor;
}

export const ROLE_NAMES = [
  'AUDIT_ADMIN',
  'GENERAL_USER',
  'EXTERNAL_AUDITOR',
  'OTHER_ORG_ADMIN',
  'ANONYMOUS',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export function identityOf(app: TestApp) {
  const identity = app.services.identity;
  if (!identity) throw new Error('the test app has no identity service');
  return identity;
}

/** Signs in with email and password through the API; fails the test if that does not work. */
export async function signIn(app: TestApp, email: string, password = TEST_PASSWORD): Promise<Actor> {
  const res = await app.api.post('/api/v1/auth/login', { email, password });
  assert.equal(res.statusCode, 200, `sign-in of ${email} failed: ${res.body}`);
  const body = res.json();
  return {
    userId: body.user.id,
    orgId: body.user.orgId,
    email,
    token: body.accessToken,
    refreshToken: body.refreshToken,
  };
}

/** A Box user as Box sign-in would create it (no Box round trip), through identity's repository. */
export async function createBoxUser(
  app: TestApp,
  o: { orgId: string; email: string; roles: Role[]; boxRole?: 'admin' | 'coadmin' | 'user'; name?: string },
): Promise<UserRow> {
  const identity = identityOf(app);
  const { deps } = identity;
  return deps.database.transaction((trx) =>
    deps.users.createUser(
      trx,
      {
        orgId: o.orgId,
        email: o.email,
        name: o.name ?? o.email.split('@')[0]!,
        kind: 'box',
        roles: o.roles,
        boxUserId: String(1_000_000 + Math.floor(Math.random() * 8_000_000)),
        boxRole: o.boxRole ?? 'user',
      },
      deps.clock.now(),
    ),
  );
}

/** A session for a user (as after Box sign-in). */
export async function sessionOf(app: TestApp, user: UserRow): Promise<Actor> {
  const tokens = await identityOf(app).sessions.issue(user, { ip: '127.0.0.1' });
  return {
    userId: user.id,
    orgId: user.org_id,
    email: user.email,
    token: tokens.accessToken,
    refreshToken: tokens.refreshToken,
  };
}

export async function createBoxActor(app: TestApp, o: Parameters<typeof createBoxUser>[1]): Promise<Actor> {
  return sessionOf(app, await createBoxUser(app, o));
}

/** Creates an external auditor through the API (as `adminToken`) with the test password. */
export async function createAuditor(
  app: TestApp,
  adminToken: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; email: string }> {
  const res = await app.api.post(
    '/api/v1/users',
    { email, name: 'Test Auditor', password: TEST_PASSWORD, ...extra },
    adminToken,
  );
  assert.equal(res.statusCode, 201, `creating ${email} failed: ${res.body}`);
  return { id: res.json().id, email };
}

let castCounter = 0;

/** The five roles of the authorisation tests, with fresh sessions. Emails are unique per call. */
export async function createCast(app: TestApp, tag = `c${++castCounter}`): Promise<Cast> {
  const a = await app.bootstrapAdmin(`admin-${tag}@a.test`);
  const admin = await signIn(app, `admin-${tag}@a.test`);
  const boxAdmin = await createBoxActor(app, {
    orgId: a.orgId,
    email: `boxadmin-${tag}@a.test`,
    roles: ['AUDIT_ADMIN', 'GENERAL_USER'],
    boxRole: 'admin',
  });
  const generalUser = await createBoxActor(app, {
    orgId: a.orgId,
    email: `gu-${tag}@a.test`,
    roles: ['GENERAL_USER'],
  });
  await createAuditor(app, admin.token, `ea-${tag}@a.test`);
  const auditor = await signIn(app, `ea-${tag}@a.test`);
  await app.bootstrapAdmin(`admin-${tag}@b.test`);
  const otherAdmin = await signIn(app, `admin-${tag}@b.test`);
  return { admin, boxAdmin, generalUser, auditor, otherAdmin };
}

/** The token a role presents (undefined for anonymous). */
export function tokenOf(cast: Cast, role: RoleName): string | undefined {
  switch (role) {
    case 'AUDIT_ADMIN':
      return cast.admin.token;
    case 'GENERAL_USER':
      return cast.generalUser.token;
    case 'EXTERNAL_AUDITOR':
      return cast.auditor.token;
    case 'OTHER_ORG_ADMIN':
      return cast.otherAdmin.token;
    case 'ANONYMOUS':
      return undefined;
  }
}

/** Mints a personal API token for a signed-in user through the API. */
export async function apiToken(
  app: TestApp,
  accessToken: string,
  scopes: string[],
  name = 'test',
): Promise<string> {
  const res = await app.api.post('/api/v1/api-tokens', { name, scopes }, accessToken);
  assert.equal(res.statusCode, 201, `minting a token failed: ${res.body}`);
  return res.json().token;
}

export const IDENTITY_TABLES = [
  'organizations',
  'users',
  'auditor_firms',
  'sessions',
  'refresh_tokens',
  'api_tokens',
  'password_resets',
  'login_throttle',
  'box_tokens',
  'oauth_states',
  'emails',
  'outbox',
  'inbox',
] as const;

/**
 * Row counts and the latest change of every identity table: equal snapshots before and after a
 * request mean it wrote nothing (no insert, no delete and no update of users, sessions or tokens).
 */
export async function identitySnapshot(app: TestApp): Promise<Record<string, string>> {
  const db = app.platform.pool.db;
  const out: Record<string, string> = {};
  for (const t of IDENTITY_TABLES) {
    const res = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(`identity.${t}`)}`.execute(db);
    out[t] = String(res.rows[0]?.n);
  }
  const changed = await sql<{ users: string; sessions: string; tokens: string; resets: string }>`
    select (select coalesce(max(updated_at)::text, '') from identity.users) as users,
           (select count(*) filter (where revoked_at is not null)::text from identity.sessions) as sessions,
           (select count(*) filter (where revoked_at is not null)::text || '/' ||
                   count(*) filter (where last_used_at is not null)::text from identity.api_tokens) as tokens,
           (select coalesce(sum(attempts), 0)::text || '/' || count(*) filter (where used_at is not null)::text
              from identity.password_resets) as resets`.execute(db);
  Object.assign(out, changed.rows[0]);
  return out;
}

/** Runs `fn` and fails if it changed any identity table. */
export async function assertWritesNothing<T>(app: TestApp, fn: () => Promise<T>): Promise<T> {
  const before = await identitySnapshot(app);
  const result = await fn();
  assert.deepEqual(await identitySnapshot(app), before, 'the refused request changed identity data');
  return result;
}

export async function userRow(app: TestApp, id: string): Promise<UserRow | undefined> {
  const identity = identityOf(app);
  return identity.deps.db.selectFrom('identity.users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function outboxTopics(app: TestApp, key?: string): Promise<string[]> {
  const db = app.platform.pool.db;
  const res = key
    ? await sql<{ topic: string }>`select topic from identity.outbox where key = ${key} order by seq`.execute(
        db,
      )
    : await sql<{ topic: string }>`select topic from identity.outbox order by seq`.execute(db);
  return res.rows.map((r) => r.topic);
}
