/**
 * Every identity endpoint, from the running app's own route table: its success path, each validation
 * error (4xx with its code, and nothing written) and each role that must be refused. A route without
 * a row here fails the first test, so a new endpoint cannot ship untested.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { currentTotp } from '../../src/services/identity/totp.ts';
import { type LocalBox, setCookies, startLocalBox } from '../box/local-box.ts';
import {
  type Actor,
  apiToken,
  assertWritesNothing,
  type Cast,
  createAuditor,
  createBoxActor,
  createCast,
  identityOf,
  ROLE_NAMES,
  type RoleName,
  signIn,
  tokenOf,
} from '../support/identity.ts';
import { invitationTokenIn, readEmlMessages, resetCodeIn } from '../support/mail.ts';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Req {
  method: Method;
  url: string;
  body?: unknown;
  /** Raw payload instead of JSON (content-type from headers). */
  payload?: string;
  headers?: Record<string, string>;
}
type Access = 'public' | 'user' | 'service';
interface Ctx {
  app: TestApp;
  cast: Cast;
  box: LocalBox;
  /** A fresh external auditor of organisation A (a target that tests may change or delete). */
  newAuditor(extra?: Record<string, unknown>): Promise<{ id: string; email: string }>;
  unique(prefix: string): string;
}
interface Row {
  access: Access;
  /** A valid request, sent with each refused role's credentials. */
  request?: (c: Ctx) => Promise<Req> | Req;
  success: { name: string; run(c: Ctx): Promise<void> }[];
  invalid: { name: string; request(c: Ctx): Promise<Req> | Req; status: number; code: string }[];
  refused: { role: RoleName; status: number; code?: string }[];
}

let ctx: Ctx;

/**
 * Components that identity hosts but does not own: the operations API (src/services/ops, incident
 * records and the maintenance banner) has its own tests; identity's rows stop at identity's routes.
 */
const HOSTED_BY_IDENTITY = [/^\/api\/v1\/ops\//];

async function send(r: Req, token?: string): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...r.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (r.body !== undefined) headers['content-type'] ??= 'application/json';
  return ctx.app.app.inject({
    method: r.method,
    url: r.url,
    headers,
    ...(r.payload !== undefined ? { payload: r.payload } : {}),
    ...(r.body !== undefined ? { payload: JSON.stringify(r.body) } : {}),
  });
}

const as = (actor: Actor | string, r: Req): Promise<LightMyRequestResponse> =>
  send(r, typeof actor === 'string' ? actor : actor.token);

function serviceCall(r: Req, secret = ctx.app.platform.serviceSecret): Promise<LightMyRequestResponse> {
  return send({
    ...r,
    headers: { authorization: `Service ${secret}`, 'x-auditor-service': 'test', ...r.headers },
  });
}

function expectError(res: LightMyRequestResponse, status: number, code?: string): void {
  assert.equal(
    res.statusCode,
    status,
    `expected ${status}${code ? ` ${code}` : ''}, got ${res.statusCode}: ${res.body}`,
  );
  if (code) {
    const body = res.json();
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
    assert.ok(body.requestId, 'an error carries the request id');
  }
}

const adminRefusals = (otherOrg: 'not-found' | 'isolated'): Row['refused'] => [
  { role: 'GENERAL_USER', status: 403, code: 'FORBIDDEN' },
  { role: 'EXTERNAL_AUDITOR', status: 403, code: 'FORBIDDEN' },
  { role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' },
  ...(otherOrg === 'not-found'
    ? [{ role: 'OTHER_ORG_ADMIN' as const, status: 404, code: 'USER_NOT_FOUND' }]
    : []),
];
const everyUserRefused: Row['refused'] = ROLE_NAMES.map((role) => ({
  role,
  status: 401,
  code: 'UNAUTHENTICATED',
}));

async function flushMail(): Promise<void> {
  await identityOf(ctx.app).deps.mail.flush();
}
function mailTo(email: string) {
  return readEmlMessages(ctx.app.config.AUDITOR_DATA_DIR).filter((m) => m.to.join().includes(email));
}
async function beginTotp(actor: Actor): Promise<string> {
  const res = await as(actor, { method: 'POST', url: '/api/v1/me/totp' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().secret;
}
const now = () => identityOf(ctx.app).deps.clock.now();

/** Box sign-in against the local Box: the authorize redirect, a code for `login`, the callback. */
async function boxFlow(login: string, returnTo = '/x') {
  const start = await send({
    method: 'GET',
    url: `/api/v1/auth/box/authorize?returnTo=${encodeURIComponent(returnTo)}`,
  });
  assert.equal(start.statusCode, 302, start.body);
  const location = new URL(String(start.headers.location));
  const cookie = setCookies(start.headers).get('afb_oauth_state')!;
  const { code } = ctx.box.emulator.controls.authorize({
    clientId: location.searchParams.get('client_id')!,
    login,
    redirectUri: location.searchParams.get('redirect_uri')!,
    state: location.searchParams.get('state')!,
    codeChallenge: location.searchParams.get('code_challenge')!,
  });
  return { location, cookie, code, state: location.searchParams.get('state')! };
}

const ROWS: Record<string, Row> = {
  'POST /api/v1/auth/login': {
    access: 'public',
    success: [
      {
        name: 'an external auditor signs in with email and password and gets tokens and cookies',
        async run(c) {
          const { email } = await c.newAuditor();
          const res = await send({
            method: 'POST',
            url: '/api/v1/auth/login',
            body: { email, password: TEST_PASSWORD },
          });
          assert.equal(res.statusCode, 200, res.body);
          const body = res.json();
          assert.match(body.accessToken, /^eyJ/);
          assert.match(body.refreshToken, /^rt_/);
          assert.equal(body.user.email, email);
          assert.deepEqual(body.user.roles, ['EXTERNAL_AUDITOR']);
          const cookies = setCookies(res.headers);
          assert.ok(cookies.get('afb_access') && cookies.get('afb_refresh') && cookies.get('afb_csrf'));
          assert.equal(cookies.get('afb_csrf'), body.csrfToken);
          const raw = ([] as string[]).concat(res.headers['set-cookie'] as string[]);
          assert.match(raw.find((l) => l.startsWith('afb_access='))!, /HttpOnly/);
          assert.match(
            raw.find((l) => l.startsWith('afb_refresh='))!,
            /HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/,
          );
        },
      },
      {
        name: 'the web app (x-requested-with: auditor-web) gets no refresh token in the body, only the cookie',
        async run(c) {
          const res = await send({
            method: 'POST',
            url: '/api/v1/auth/login',
            body: { email: c.cast.admin.email, password: TEST_PASSWORD },
            headers: { 'x-requested-with': 'auditor-web' },
          });
          assert.equal(res.statusCode, 200);
          assert.equal(res.json().refreshToken, undefined);
          assert.ok(setCookies(res.headers).get('afb_refresh'));
        },
      },
    ],
    invalid: [
      {
        name: 'a missing email',
        request: () => ({ method: 'POST', url: '/api/v1/auth/login', body: { password: 'x' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an email that is not one',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/login',
          body: { email: 'nobody', password: 'x' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an empty password',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/auth/login',
          body: { email: c.cast.admin.email, password: '' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a TOTP code longer than 10 characters',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/auth/login',
          body: { email: c.cast.admin.email, password: TEST_PASSWORD, totp: '12345678901' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a body that is not JSON',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: '{"email":',
          headers: { 'content-type': 'application/json' },
        }),
        status: 400,
        code: 'MALFORMED_JSON',
      },
      {
        name: 'a plain-text body',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: 'email=a',
          headers: { 'content-type': 'text/plain' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a content type we do not read (XML)',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: '<email/>',
          headers: { 'content-type': 'application/xml' },
        }),
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
    ],
    refused: [],
  },

  'POST /api/v1/auth/refresh': {
    access: 'public',
    success: [
      {
        name: 'a refresh token in the body rotates into a new access token and a new refresh token',
        async run(c) {
          const s = await signIn(c.app, c.cast.admin.email);
          const res = await send({
            method: 'POST',
            url: '/api/v1/auth/refresh',
            body: { refreshToken: s.refreshToken },
          });
          assert.equal(res.statusCode, 200, res.body);
          assert.notEqual(res.json().refreshToken, s.refreshToken);
          assert.equal(
            (await as(res.json().accessToken, { method: 'GET', url: '/api/v1/me' })).statusCode,
            200,
          );
        },
      },
      {
        name: 'the refresh cookie alone works too (browser)',
        async run(c) {
          const s = await signIn(c.app, c.cast.admin.email);
          const res = await send({
            method: 'POST',
            url: '/api/v1/auth/refresh',
            headers: { cookie: `afb_refresh=${s.refreshToken}`, 'x-requested-with': 'auditor-web' },
          });
          assert.equal(res.statusCode, 200, res.body);
          assert.ok(setCookies(res.headers).get('afb_refresh'));
          assert.equal(res.json().refreshToken, undefined);
        },
      },
    ],
    invalid: [
      {
        name: 'a refresh token that is too short to be one',
        request: () => ({ method: 'POST', url: '/api/v1/auth/refresh', body: { refreshToken: 'short' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'no refresh token at all',
        request: () => ({ method: 'POST', url: '/api/v1/auth/refresh' }),
        status: 401,
        code: 'REFRESH_TOKEN_INVALID',
      },
      {
        name: 'an unknown refresh token',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/refresh',
          body: { refreshToken: `rt_${'x'.repeat(43)}` },
        }),
        status: 401,
        code: 'REFRESH_TOKEN_INVALID',
      },
    ],
    refused: [],
  },

  'POST /api/v1/auth/logout': {
    access: 'public',
    success: [
      {
        name: 'logging out with the access token ends the session: the token is refused afterwards',
        async run(c) {
          const s = await signIn(c.app, c.cast.admin.email);
          const res = await as(s, { method: 'POST', url: '/api/v1/auth/logout' });
          assert.equal(res.statusCode, 204);
          expectError(await as(s, { method: 'GET', url: '/api/v1/me' }), 401, 'TOKEN_REVOKED');
          expectError(
            await send({
              method: 'POST',
              url: '/api/v1/auth/refresh',
              body: { refreshToken: s.refreshToken },
            }),
            401,
            'REFRESH_TOKEN_INVALID',
          );
          assert.equal(setCookies(res.headers).get('afb_access'), '', 'the cookies are cleared');
        },
      },
      {
        name: 'logging out with only the refresh token ends that session too',
        async run(c) {
          const s = await signIn(c.app, c.cast.admin.email);
          assert.equal(
            (
              await send({
                method: 'POST',
                url: '/api/v1/auth/logout',
                body: { refreshToken: s.refreshToken },
              })
            ).statusCode,
            204,
          );
          expectError(await as(s, { method: 'GET', url: '/api/v1/me' }), 401, 'TOKEN_REVOKED');
        },
      },
    ],
    invalid: [
      {
        name: 'a refresh token that is not a string',
        request: () => ({ method: 'POST', url: '/api/v1/auth/logout', body: { refreshToken: 12345678901 } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: [],
  },

  'POST /api/v1/auth/password/reset-request': {
    access: 'public',
    success: [
      {
        name: 'a reset request for an external auditor is accepted and queues an email',
        async run(c) {
          const { email } = await c.newAuditor();
          const res = await send({
            method: 'POST',
            url: '/api/v1/auth/password/reset-request',
            body: { email },
          });
          assert.equal(res.statusCode, 202);
          assert.deepEqual(res.json(), { status: 'accepted' });
          await flushMail();
          assert.equal(mailTo(email).length, 1);
        },
      },
    ],
    invalid: [
      {
        name: 'an email that is not one',
        request: () => ({ method: 'POST', url: '/api/v1/auth/password/reset-request', body: { email: 'x' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'no body',
        request: () => ({ method: 'POST', url: '/api/v1/auth/password/reset-request' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: [],
  },

  'POST /api/v1/auth/password/reset': {
    access: 'public',
    success: [
      {
        name: 'the emailed code sets a new password; the old one stops working',
        async run(c) {
          const { email } = await c.newAuditor();
          await send({ method: 'POST', url: '/api/v1/auth/password/reset-request', body: { email } });
          await flushMail();
          const code = resetCodeIn(mailTo(email).at(-1)!.text);
          const newPassword = 'a brand new password 123';
          const res = await send({
            method: 'POST',
            url: '/api/v1/auth/password/reset',
            body: { email, code, newPassword },
          });
          assert.equal(res.statusCode, 204, res.body);
          expectError(
            await send({
              method: 'POST',
              url: '/api/v1/auth/login',
              body: { email, password: TEST_PASSWORD },
            }),
            401,
            'INVALID_CREDENTIALS',
          );
          await signIn(c.app, email, newPassword);
        },
      },
    ],
    invalid: [
      {
        name: 'a code shorter than 4 characters',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/auth/password/reset',
          body: { email: c.cast.auditor.email, code: 'AB', newPassword: 'long enough password' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a new password that is too short',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/auth/password/reset',
          body: { email: c.cast.auditor.email, code: 'ABCDEFGHJK', newPassword: 'short' },
        }),
        status: 400,
        code: 'PASSWORD_TOO_WEAK',
      },
      {
        name: 'a code for an account without a pending reset',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/auth/password/reset',
          body: { email: c.cast.auditor.email, code: 'ABCDEFGHJK', newPassword: 'long enough password' },
        }),
        status: 400,
        code: 'RESET_CODE_INVALID',
      },
    ],
    refused: [],
  },

  'POST /api/v1/auth/invitation/accept': {
    access: 'public',
    success: [
      {
        name: 'the invitation link lets a new external auditor set a password and sign in, once',
        async run(c) {
          const email = c.unique('invited');
          const created = await as(c.cast.admin, {
            method: 'POST',
            url: '/api/v1/users',
            body: { email, name: 'Invited Auditor', invite: true },
          });
          assert.equal(created.statusCode, 201, created.body);
          await flushMail();
          const token = invitationTokenIn(mailTo(email).at(-1)!.text);
          const password = 'my first password here';
          const res = await send({
            method: 'POST',
            url: '/api/v1/auth/invitation/accept',
            body: { token, password },
          });
          assert.equal(res.statusCode, 204, res.body);
          await signIn(c.app, email, password);
          expectError(
            await send({ method: 'POST', url: '/api/v1/auth/invitation/accept', body: { token, password } }),
            400,
            'INVITATION_INVALID',
          );
        },
      },
    ],
    invalid: [
      {
        name: 'a token too short to be one',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/invitation/accept',
          body: { token: 'abc', password: 'long enough password' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a password that is too short',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/invitation/accept',
          body: { token: 'x'.repeat(43), password: 'short' },
        }),
        status: 400,
        code: 'PASSWORD_TOO_WEAK',
      },
      {
        name: 'a token that was never issued',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/invitation/accept',
          body: { token: 'x'.repeat(43), password: 'long enough password' },
        }),
        status: 400,
        code: 'INVITATION_INVALID',
      },
    ],
    refused: [],
  },

  'GET /.well-known/jwks.json': {
    access: 'public',
    success: [
      {
        name: 'the JWKS publishes the Ed25519 public key, never the private part',
        async run() {
          const res = await send({ method: 'GET', url: '/.well-known/jwks.json' });
          assert.equal(res.statusCode, 200);
          const [key, ...rest] = res.json().keys;
          assert.equal(rest.length, 0);
          assert.equal(key.kty, 'OKP');
          assert.equal(key.crv, 'Ed25519');
          assert.equal(key.alg, 'EdDSA');
          assert.ok(key.kid);
          assert.equal(key.d, undefined);
        },
      },
    ],
    invalid: [],
    refused: [],
  },

  'GET /api/v1/auth/box/authorize': {
    access: 'public',
    success: [
      {
        name: 'it redirects to Box with state and PKCE and binds the state to the browser; an outside returnTo becomes /',
        async run(c) {
          const res = await send({
            method: 'GET',
            url: '/api/v1/auth/box/authorize?returnTo=//evil.example/x',
          });
          assert.equal(res.statusCode, 302);
          const location = new URL(String(res.headers.location));
          assert.equal(location.origin, new URL(c.box.url).origin);
          assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
          const state = location.searchParams.get('state')!;
          assert.equal(setCookies(res.headers).get('afb_oauth_state'), state);
          const row = await sql<{
            return_to: string;
          }>`select return_to from identity.oauth_states order by created_at desc limit 1`.execute(
            c.app.platform.pool.db,
          );
          assert.equal(row.rows[0]!.return_to, '/');
        },
      },
    ],
    invalid: [
      {
        name: 'a returnTo longer than 500 characters',
        request: () => ({ method: 'GET', url: `/api/v1/auth/box/authorize?returnTo=/${'a'.repeat(600)}` }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: [],
  },

  'GET /api/v1/auth/box/callback': {
    access: 'public',
    success: [
      {
        name: "Box's redirect with a valid code and the browser's state signs the user in and returns to the page",
        async run() {
          const flow = await boxFlow('user@demo.example', '/sets');
          const res = await send({
            method: 'GET',
            url: `/api/v1/auth/box/callback?code=${flow.code}&state=${flow.state}`,
            headers: { cookie: `afb_oauth_state=${flow.cookie}` },
          });
          assert.equal(res.statusCode, 302, res.body);
          assert.equal(res.headers.location, '/sets');
          const access = setCookies(res.headers).get('afb_access')!;
          const me = await send({
            method: 'GET',
            url: '/api/v1/me',
            headers: { cookie: `afb_access=${access}` },
          });
          assert.equal(me.json().email, 'user@demo.example');
        },
      },
      {
        name: 'a denied consent goes back to the sign-in page with BOX_ACCESS_DENIED',
        async run() {
          const res = await send({ method: 'GET', url: '/api/v1/auth/box/callback?error=access_denied' });
          assert.equal(res.statusCode, 302);
          assert.equal(res.headers.location, '/sign-in?error=BOX_ACCESS_DENIED');
        },
      },
    ],
    invalid: [
      {
        name: 'a state longer than 200 characters',
        request: () => ({ method: 'GET', url: `/api/v1/auth/box/callback?code=x&state=${'s'.repeat(201)}` }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: [],
  },

  'GET /api/v1/integrations/box/open': {
    access: 'public',
    success: [
      {
        name: 'a signed-in browser goes straight to the item; an anonymous one signs in with Box first',
        async run(c) {
          const signedIn = await send({
            method: 'GET',
            url: '/api/v1/integrations/box/open?itemType=file&itemId=123',
            headers: { cookie: `afb_access=${c.cast.generalUser.token}` },
          });
          assert.equal(signedIn.statusCode, 302);
          assert.equal(signedIn.headers.location, '/box/file/123');
          const anonymous = await send({
            method: 'GET',
            url: '/api/v1/integrations/box/open?itemType=folder&itemId=7',
          });
          assert.equal(
            anonymous.headers.location,
            `/api/v1/auth/box/authorize?returnTo=${encodeURIComponent('/box/folder/7')}`,
          );
        },
      },
    ],
    invalid: [
      {
        name: 'an unknown item type',
        request: () => ({ method: 'GET', url: '/api/v1/integrations/box/open?itemType=web_link&itemId=1' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an item id that is not a Box id',
        request: () => ({ method: 'GET', url: '/api/v1/integrations/box/open?itemType=file&itemId=..%2F1' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: [],
  },

  'GET /api/v1/me': {
    access: 'user',
    request: () => ({ method: 'GET', url: '/api/v1/me' }),
    success: [
      {
        name: 'every signed-in role sees itself with its organisation and scopes',
        async run(c) {
          for (const [actor, roles] of [
            [c.cast.admin, ['AUDIT_ADMIN']],
            [c.cast.generalUser, ['GENERAL_USER']],
            [c.cast.auditor, ['EXTERNAL_AUDITOR']],
          ] as const) {
            const res = await as(actor, { method: 'GET', url: '/api/v1/me' });
            assert.equal(res.statusCode, 200, res.body);
            assert.equal(res.json().id, actor.userId);
            assert.deepEqual(res.json().roles, roles);
            assert.equal(res.json().organization.id, c.cast.admin.orgId);
          }
          assert.deepEqual((await as(c.cast.auditor, { method: 'GET', url: '/api/v1/me' })).json().scopes, [
            'read',
            'write',
          ]);
          assert.deepEqual((await as(c.cast.admin, { method: 'GET', url: '/api/v1/me' })).json().scopes, [
            'read',
            'write',
            'admin',
            'ledger:read',
          ]);
        },
      },
    ],
    invalid: [],
    refused: [{ role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' }],
  },

  'PATCH /api/v1/me': {
    access: 'user',
    request: () => ({ method: 'PATCH', url: '/api/v1/me', body: { language: 'ja' } }),
    success: [
      {
        name: 'a user changes their own language and name',
        async run(c) {
          const actor = await signIn(c.app, (await c.newAuditor()).email);
          const res = await as(actor, {
            method: 'PATCH',
            url: '/api/v1/me',
            body: { language: 'ja', name: '山田 太郎' },
          });
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().language, 'ja');
          assert.equal(res.json().name, '山田 太郎');
          assert.equal((await as(actor, { method: 'GET', url: '/api/v1/me' })).json().language, 'ja');
        },
      },
    ],
    invalid: [
      {
        name: 'a language other than en or ja',
        request: () => ({ method: 'PATCH', url: '/api/v1/me', body: { language: 'fr' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a name with control characters',
        request: () => ({ method: 'PATCH', url: '/api/v1/me', body: { name: 'a\u0000b' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an attempt to give oneself roles',
        request: () => ({ method: 'PATCH', url: '/api/v1/me', body: { roles: ['AUDIT_ADMIN'] } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an attempt to change one’s email',
        request: () => ({ method: 'PATCH', url: '/api/v1/me', body: { email: 'new@a.test' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: [{ role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' }],
  },

  'POST /api/v1/me/totp': {
    access: 'user',
    request: () => ({ method: 'POST', url: '/api/v1/me/totp' }),
    success: [
      {
        name: 'an external auditor starts enrolment and gets a secret and an otpauth URL',
        async run(c) {
          const actor = await signIn(c.app, (await c.newAuditor()).email);
          const res = await as(actor, { method: 'POST', url: '/api/v1/me/totp' });
          assert.equal(res.statusCode, 200, res.body);
          assert.match(res.json().secret, /^[A-Z2-7]{32}$/);
          assert.match(res.json().otpauthUrl, /^otpauth:\/\/totp\//);
          const me = await as(actor, { method: 'GET', url: '/api/v1/me' });
          assert.equal(me.json().totpEnabled, false, 'not enabled before confirmation');
        },
      },
    ],
    invalid: [],
    refused: [
      { role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' },
      { role: 'GENERAL_USER', status: 400, code: 'NOT_AN_EXTERNAL_AUDITOR' },
    ],
  },

  'POST /api/v1/me/totp/confirm': {
    access: 'user',
    request: () => ({ method: 'POST', url: '/api/v1/me/totp/confirm', body: { code: '123456' } }),
    success: [
      {
        name: 'a current code from the authenticator turns the second factor on',
        async run(c) {
          const actor = await signIn(c.app, (await c.newAuditor()).email);
          const secret = await beginTotp(actor);
          const res = await as(actor, {
            method: 'POST',
            url: '/api/v1/me/totp/confirm',
            body: { code: currentTotp(secret, now()) },
          });
          assert.equal(res.statusCode, 204, res.body);
          assert.equal((await as(actor, { method: 'GET', url: '/api/v1/me' })).json().totpEnabled, true);
        },
      },
    ],
    invalid: [
      {
        name: 'a missing code',
        request: () => ({ method: 'POST', url: '/api/v1/me/totp/confirm', body: {} }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a code longer than 10 characters',
        request: () => ({ method: 'POST', url: '/api/v1/me/totp/confirm', body: { code: '12345678901' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a wrong code',
        request: () => ({ method: 'POST', url: '/api/v1/me/totp/confirm', body: { code: 'abcdef' } }),
        status: 400,
        code: 'TOTP_INVALID',
      },
    ],
    refused: [{ role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' }],
  },

  'DELETE /api/v1/me/totp': {
    access: 'user',
    request: () => ({ method: 'DELETE', url: '/api/v1/me/totp', body: { code: '123456' } }),
    success: [
      {
        name: 'a current code turns the second factor off again',
        async run(c) {
          const actor = await signIn(c.app, (await c.newAuditor()).email);
          const secret = await beginTotp(actor);
          await as(actor, {
            method: 'POST',
            url: '/api/v1/me/totp/confirm',
            body: { code: currentTotp(secret, now()) },
          });
          // The next step's code: the confirming one was used and cannot be used again.
          const res = await as(actor, {
            method: 'DELETE',
            url: '/api/v1/me/totp',
            body: { code: currentTotp(secret, new Date(now().getTime() + 30_000)) },
          });
          assert.equal(res.statusCode, 204, res.body);
          assert.equal((await as(actor, { method: 'GET', url: '/api/v1/me' })).json().totpEnabled, false);
        },
      },
    ],
    invalid: [
      {
        name: 'a missing code',
        request: () => ({ method: 'DELETE', url: '/api/v1/me/totp', body: {} }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a wrong code',
        request: () => ({ method: 'DELETE', url: '/api/v1/me/totp', body: { code: '000000' } }),
        status: 400,
        code: 'TOTP_INVALID',
      },
    ],
    refused: [{ role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' }],
  },

  'GET /api/v1/users': {
    access: 'user',
    request: () => ({ method: 'GET', url: '/api/v1/users' }),
    success: [
      {
        name: 'an audit admin lists the users of the organisation with their roles, page by page',
        async run(c) {
          const first = await as(c.cast.admin, { method: 'GET', url: '/api/v1/users?limit=2' });
          assert.equal(first.statusCode, 200, first.body);
          assert.equal(first.json().items.length, 2);
          assert.ok(first.json().nextCursor);
          const seen = new Set<string>();
          let cursor: string | null = null;
          do {
            const page: LightMyRequestResponse = await as(c.cast.admin, {
              method: 'GET',
              url: `/api/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            });
            for (const u of page.json().items) {
              assert.ok(!seen.has(u.id), 'no user twice');
              seen.add(u.id);
              assert.equal(u.orgId, c.cast.admin.orgId);
              assert.equal(u.passwordHash, undefined);
            }
            cursor = page.json().nextCursor;
          } while (cursor);
          for (const a of [c.cast.admin, c.cast.boxAdmin, c.cast.generalUser, c.cast.auditor])
            assert.ok(seen.has(a.userId));
          const auditors = await as(c.cast.admin, {
            method: 'GET',
            url: '/api/v1/users?role=EXTERNAL_AUDITOR&limit=200',
          });
          assert.ok(
            auditors.json().items.every((u: { roles: string[] }) => u.roles.includes('EXTERNAL_AUDITOR')),
          );
        },
      },
      {
        name: "another organisation's admin sees none of organisation A's users",
        async run(c) {
          const res = await as(c.cast.otherAdmin, { method: 'GET', url: '/api/v1/users?limit=200' });
          assert.equal(res.statusCode, 200);
          assert.ok(res.json().items.every((u: { orgId: string }) => u.orgId === c.cast.otherAdmin.orgId));
        },
      },
    ],
    invalid: [
      {
        name: 'a limit of 0',
        request: () => ({ method: 'GET', url: '/api/v1/users?limit=0' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a limit above 200',
        request: () => ({ method: 'GET', url: '/api/v1/users?limit=201' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an unknown role filter',
        request: () => ({ method: 'GET', url: '/api/v1/users?role=ROOT' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a cursor that was not issued by us',
        request: () => ({ method: 'GET', url: '/api/v1/users?cursor=bm90LWEtY3Vyc29y' }),
        status: 400,
        code: 'CURSOR_INVALID',
      },
    ],
    refused: adminRefusals('isolated'),
  },

  'POST /api/v1/users': {
    access: 'user',
    request: (c) => ({
      method: 'POST',
      url: '/api/v1/users',
      body: { email: c.unique('refused'), name: 'Nobody', password: TEST_PASSWORD },
    }),
    success: [
      {
        name: 'an audit admin creates an external auditor, who can sign in, and the change is published',
        async run(c) {
          const email = c.unique('created');
          const res = await as(c.cast.admin, {
            method: 'POST',
            url: '/api/v1/users',
            body: {
              email,
              name: 'New Auditor',
              auditorFirm: 'Big Four LLP',
              password: TEST_PASSWORD,
              language: 'ja',
            },
          });
          assert.equal(res.statusCode, 201, res.body);
          const user = res.json();
          assert.deepEqual(user.roles, ['EXTERNAL_AUDITOR']);
          assert.equal(user.kind, 'external');
          assert.equal(user.auditorFirm, 'Big Four LLP');
          assert.equal(user.language, 'ja');
          assert.equal(user.orgId, c.cast.admin.orgId);
          await signIn(c.app, email);
          const msg = await sql<{
            topic: string;
          }>`select topic from identity.outbox where key = ${user.id}`.execute(c.app.platform.pool.db);
          assert.deepEqual(
            msg.rows.map((r) => r.topic),
            ['identity.user_created'],
          );
        },
      },
      {
        name: "another organisation's admin creates auditors in their own organisation only",
        async run(c) {
          const res = await as(c.cast.otherAdmin, {
            method: 'POST',
            url: '/api/v1/users',
            body: { email: c.unique('b-ea'), name: 'B Auditor', password: TEST_PASSWORD },
          });
          assert.equal(res.statusCode, 201);
          assert.equal(res.json().orgId, c.cast.otherAdmin.orgId);
        },
      },
    ],
    invalid: [
      {
        name: 'a missing name',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/users',
          body: { email: c.unique('x'), password: TEST_PASSWORD },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a malformed email',
        request: () => ({
          method: 'POST',
          url: '/api/v1/users',
          body: { email: 'not-an-email', name: 'X', password: TEST_PASSWORD },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a name of 65 characters',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/users',
          body: { email: c.unique('x'), name: 'n'.repeat(65), password: TEST_PASSWORD },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'neither a password nor an invitation',
        request: (c) => ({ method: 'POST', url: '/api/v1/users', body: { email: c.unique('x'), name: 'X' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a password that is too short',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/users',
          body: { email: c.unique('x'), name: 'X', password: 'short' },
        }),
        status: 400,
        code: 'PASSWORD_TOO_WEAK',
      },
      {
        name: 'an email that is taken',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/users',
          body: { email: c.cast.generalUser.email.toUpperCase(), name: 'X', password: TEST_PASSWORD },
        }),
        status: 409,
        code: 'EMAIL_TAKEN',
      },
      {
        name: 'an attempt to choose the roles',
        request: (c) => ({
          method: 'POST',
          url: '/api/v1/users',
          body: { email: c.unique('x'), name: 'X', password: TEST_PASSWORD, roles: ['AUDIT_ADMIN'] },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: adminRefusals('isolated'),
  },

  'GET /api/v1/users/:id': {
    access: 'user',
    request: (c) => ({ method: 'GET', url: `/api/v1/users/${c.cast.boxAdmin.userId}` }),
    success: [
      {
        name: 'an audit admin reads any user of the organisation; anyone reads themselves',
        async run(c) {
          const res = await as(c.cast.admin, {
            method: 'GET',
            url: `/api/v1/users/${c.cast.auditor.userId}`,
          });
          assert.equal(res.statusCode, 200);
          assert.equal(res.json().email, c.cast.auditor.email);
          for (const self of [c.cast.auditor, c.cast.generalUser]) {
            const own = await as(self, { method: 'GET', url: `/api/v1/users/${self.userId}` });
            assert.equal(own.statusCode, 200);
            assert.equal(own.json().id, self.userId);
          }
        },
      },
    ],
    invalid: [
      {
        name: 'an id that is not a UUID',
        request: () => ({ method: 'GET', url: '/api/v1/users/42' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an unknown id',
        request: () => ({ method: 'GET', url: `/api/v1/users/${randomUUID()}` }),
        status: 404,
        code: 'USER_NOT_FOUND',
      },
    ],
    refused: [
      { role: 'GENERAL_USER', status: 403, code: 'FORBIDDEN' },
      { role: 'EXTERNAL_AUDITOR', status: 403, code: 'FORBIDDEN' },
      { role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' },
      { role: 'OTHER_ORG_ADMIN', status: 404, code: 'USER_NOT_FOUND' },
    ],
  },

  'PATCH /api/v1/users/:id': {
    access: 'user',
    request: (c) => ({
      method: 'PATCH',
      url: `/api/v1/users/${c.cast.auditor.userId}`,
      body: { name: 'Renamed' },
    }),
    success: [
      {
        name: "an audit admin edits an external auditor's name, email, firm and language, and the change is published",
        async run(c) {
          const target = await c.newAuditor();
          const email = c.unique('renamed');
          const res = await as(c.cast.admin, {
            method: 'PATCH',
            url: `/api/v1/users/${target.id}`,
            body: { name: 'Renamed Auditor', email, auditorFirm: 'Other Firm', language: 'ja' },
          });
          assert.equal(res.statusCode, 200, res.body);
          assert.equal(res.json().email, email);
          assert.equal(res.json().auditorFirm, 'Other Firm');
          await signIn(c.app, email);
          const msg = await sql<{
            payload: { changes: string[] };
          }>`select payload from identity.outbox where key = ${target.id} and topic = 'identity.user_updated'`.execute(
            c.app.platform.pool.db,
          );
          assert.deepEqual(msg.rows[0]!.payload.changes.sort(), ['auditorFirm', 'email', 'language', 'name']);
        },
      },
      {
        name: 'an audit admin disables and enables an external auditor',
        async run(c) {
          const target = await c.newAuditor();
          const off = await as(c.cast.admin, {
            method: 'PATCH',
            url: `/api/v1/users/${target.id}`,
            body: { disabled: true },
          });
          assert.equal(off.json().disabled, true);
          expectError(
            await send({
              method: 'POST',
              url: '/api/v1/auth/login',
              body: { email: target.email, password: TEST_PASSWORD },
            }),
            403,
            'ACCOUNT_DISABLED',
          );
          const on = await as(c.cast.admin, {
            method: 'PATCH',
            url: `/api/v1/users/${target.id}`,
            body: { disabled: false },
          });
          assert.equal(on.json().disabled, false);
          await signIn(c.app, target.email);
        },
      },
    ],
    invalid: [
      {
        name: 'an id that is not a UUID',
        request: () => ({ method: 'PATCH', url: '/api/v1/users/nope', body: { name: 'X' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a malformed email',
        request: (c) => ({
          method: 'PATCH',
          url: `/api/v1/users/${c.cast.auditor.userId}`,
          body: { email: 'x@' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an empty name',
        request: (c) => ({
          method: 'PATCH',
          url: `/api/v1/users/${c.cast.auditor.userId}`,
          body: { name: '  ' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a field that cannot be patched (roles)',
        request: (c) => ({
          method: 'PATCH',
          url: `/api/v1/users/${c.cast.auditor.userId}`,
          body: { roles: ['AUDIT_ADMIN'] },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: "a Box user's email (it comes from Box)",
        request: (c) => ({
          method: 'PATCH',
          url: `/api/v1/users/${c.cast.generalUser.userId}`,
          body: { email: c.unique('box') },
        }),
        status: 400,
        code: 'NOT_AN_EXTERNAL_AUDITOR',
      },
      {
        name: "another user's email",
        request: (c) => ({
          method: 'PATCH',
          url: `/api/v1/users/${c.cast.auditor.userId}`,
          body: { email: c.cast.admin.email },
        }),
        status: 409,
        code: 'EMAIL_TAKEN',
      },
      {
        name: 'an unknown user',
        request: () => ({ method: 'PATCH', url: `/api/v1/users/${randomUUID()}`, body: { name: 'X' } }),
        status: 404,
        code: 'USER_NOT_FOUND',
      },
    ],
    refused: adminRefusals('not-found'),
  },

  'DELETE /api/v1/users/:id': {
    access: 'user',
    request: (c) => ({ method: 'DELETE', url: `/api/v1/users/${c.cast.auditor.userId}` }),
    success: [
      {
        name: 'an audit admin deletes an external auditor: gone from the API, cannot sign in, deletion published',
        async run(c) {
          const target = await c.newAuditor();
          const res = await as(c.cast.admin, { method: 'DELETE', url: `/api/v1/users/${target.id}` });
          assert.equal(res.statusCode, 204, res.body);
          expectError(
            await as(c.cast.admin, { method: 'GET', url: `/api/v1/users/${target.id}` }),
            404,
            'USER_NOT_FOUND',
          );
          expectError(
            await send({
              method: 'POST',
              url: '/api/v1/auth/login',
              body: { email: target.email, password: TEST_PASSWORD },
            }),
            401,
            'INVALID_CREDENTIALS',
          );
          const msg = await sql<{
            topic: string;
          }>`select topic from identity.outbox where key = ${target.id} order by seq`.execute(
            c.app.platform.pool.db,
          );
          assert.deepEqual(
            msg.rows.map((r) => r.topic),
            ['identity.user_created', 'identity.user_deleted'],
          );
        },
      },
    ],
    invalid: [
      {
        name: 'an id that is not a UUID',
        request: () => ({ method: 'DELETE', url: '/api/v1/users/1' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an unknown user',
        request: () => ({ method: 'DELETE', url: `/api/v1/users/${randomUUID()}` }),
        status: 404,
        code: 'USER_NOT_FOUND',
      },
      {
        name: 'oneself',
        request: (c) => ({ method: 'DELETE', url: `/api/v1/users/${c.cast.admin.userId}` }),
        status: 409,
        code: 'CANNOT_DELETE_SELF',
      },
      {
        name: 'the Box enterprise admin',
        request: (c) => ({ method: 'DELETE', url: `/api/v1/users/${c.cast.boxAdmin.userId}` }),
        status: 409,
        code: 'BOX_ADMIN_KEEPS_AUDIT_ADMIN',
      },
    ],
    refused: adminRefusals('not-found'),
  },

  'PUT /api/v1/users/:id/roles': {
    access: 'user',
    request: (c) => ({
      method: 'PUT',
      url: `/api/v1/users/${c.cast.generalUser.userId}/roles`,
      body: { roles: ['AUDIT_ADMIN', 'GENERAL_USER'] },
    }),
    success: [
      {
        name: 'an audit admin grants a Box user AUDIT_ADMIN and takes it away again, each change published',
        async run(c) {
          const user = await createBoxActor(c.app, {
            orgId: c.cast.admin.orgId,
            email: c.unique('promote'),
            roles: ['GENERAL_USER'],
          });
          const up = await as(c.cast.admin, {
            method: 'PUT',
            url: `/api/v1/users/${user.userId}/roles`,
            body: { roles: ['GENERAL_USER', 'AUDIT_ADMIN'] },
          });
          assert.equal(up.statusCode, 200, up.body);
          assert.deepEqual(up.json().roles, ['AUDIT_ADMIN', 'GENERAL_USER']);
          const down = await as(c.cast.admin, {
            method: 'PUT',
            url: `/api/v1/users/${user.userId}/roles`,
            body: { roles: ['GENERAL_USER'] },
          });
          assert.deepEqual(down.json().roles, ['GENERAL_USER']);
          const msg = await sql<{
            topic: string;
          }>`select topic from identity.outbox where key = ${user.userId} order by seq`.execute(
            c.app.platform.pool.db,
          );
          assert.deepEqual(
            msg.rows.map((r) => r.topic),
            ['identity.roles_changed', 'identity.roles_changed'],
          );
        },
      },
    ],
    invalid: [
      {
        name: 'no roles',
        request: (c) => ({
          method: 'PUT',
          url: `/api/v1/users/${c.cast.generalUser.userId}/roles`,
          body: { roles: [] },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an unknown role',
        request: (c) => ({
          method: 'PUT',
          url: `/api/v1/users/${c.cast.generalUser.userId}/roles`,
          body: { roles: ['ROOT'] },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'EXTERNAL_AUDITOR for a Box user',
        request: (c) => ({
          method: 'PUT',
          url: `/api/v1/users/${c.cast.generalUser.userId}/roles`,
          body: { roles: ['EXTERNAL_AUDITOR'] },
        }),
        status: 400,
        code: 'ROLE_NOT_ALLOWED',
      },
      {
        name: 'a Box role for an external auditor',
        request: (c) => ({
          method: 'PUT',
          url: `/api/v1/users/${c.cast.auditor.userId}/roles`,
          body: { roles: ['GENERAL_USER'] },
        }),
        status: 400,
        code: 'ROLE_NOT_ALLOWED',
      },
      {
        name: 'taking AUDIT_ADMIN from the Box enterprise admin',
        request: (c) => ({
          method: 'PUT',
          url: `/api/v1/users/${c.cast.boxAdmin.userId}/roles`,
          body: { roles: ['GENERAL_USER'] },
        }),
        status: 409,
        code: 'BOX_ADMIN_KEEPS_AUDIT_ADMIN',
      },
      {
        name: 'an id that is not a UUID',
        request: () => ({ method: 'PUT', url: '/api/v1/users/x/roles', body: { roles: ['GENERAL_USER'] } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: adminRefusals('not-found'),
  },

  'GET /api/v1/organizations': {
    access: 'user',
    request: () => ({ method: 'GET', url: '/api/v1/organizations' }),
    success: [
      {
        name: 'an audit admin sees the organisation and its auditor firms; another organisation sees only its own',
        async run(c) {
          const res = await as(c.cast.admin, { method: 'GET', url: '/api/v1/organizations' });
          assert.equal(res.statusCode, 200);
          assert.deepEqual(res.json().items[0], {
            id: c.cast.admin.orgId,
            name: `Org ${c.cast.admin.email}`,
            kind: 'organization',
          });
          const other = await as(c.cast.otherAdmin, { method: 'GET', url: '/api/v1/organizations' });
          assert.ok(other.json().items.every((o: { id: string }) => o.id !== c.cast.admin.orgId));
        },
      },
    ],
    invalid: [],
    refused: adminRefusals('isolated'),
  },

  'POST /api/v1/organizations': {
    access: 'user',
    request: (c) => ({ method: 'POST', url: '/api/v1/organizations', body: { name: c.unique('firm') } }),
    success: [
      {
        name: 'an audit admin adds an auditor firm once, whatever the letter case',
        async run(c) {
          const name = `Firm ${randomUUID().slice(0, 8)}`;
          const first = await as(c.cast.admin, {
            method: 'POST',
            url: '/api/v1/organizations',
            body: { name },
          });
          assert.equal(first.statusCode, 201, first.body);
          assert.equal(first.json().kind, 'auditor_firm');
          const again = await as(c.cast.admin, {
            method: 'POST',
            url: '/api/v1/organizations',
            body: { name: name.toUpperCase() },
          });
          assert.equal(again.json().id, first.json().id);
          const list = await as(c.cast.admin, { method: 'GET', url: '/api/v1/organizations' });
          assert.equal(list.json().items.filter((o: { id: string }) => o.id === first.json().id).length, 1);
          const other = await as(c.cast.otherAdmin, { method: 'GET', url: '/api/v1/organizations' });
          assert.ok(
            other.json().items.every((o: { id: string }) => o.id !== first.json().id),
            'not in the other organisation',
          );
        },
      },
    ],
    invalid: [
      {
        name: 'an empty name',
        request: () => ({ method: 'POST', url: '/api/v1/organizations', body: { name: '' } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a name of 65 characters',
        request: () => ({ method: 'POST', url: '/api/v1/organizations', body: { name: 'f'.repeat(65) } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an unknown field',
        request: () => ({
          method: 'POST',
          url: '/api/v1/organizations',
          body: { name: 'Firm', kind: 'organization' },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: adminRefusals('isolated'),
  },

  'GET /api/v1/api-tokens': {
    access: 'user',
    request: () => ({ method: 'GET', url: '/api/v1/api-tokens' }),
    success: [
      {
        name: 'a user lists their own tokens, never their secrets, and nobody else’s',
        async run(c) {
          const secret = await apiToken(c.app, c.cast.generalUser.token, ['read'], 'listed');
          const res = await as(c.cast.generalUser, { method: 'GET', url: '/api/v1/api-tokens' });
          assert.equal(res.statusCode, 200);
          assert.ok(res.json().items.some((t: { name: string }) => t.name === 'listed'));
          assert.ok(!res.body.includes(secret));
          const others = await as(c.cast.admin, { method: 'GET', url: '/api/v1/api-tokens' });
          assert.ok(!others.json().items.some((t: { name: string }) => t.name === 'listed'));
        },
      },
    ],
    invalid: [],
    refused: [{ role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' }],
  },

  'POST /api/v1/api-tokens': {
    access: 'user',
    request: () => ({
      method: 'POST',
      url: '/api/v1/api-tokens',
      body: { name: 'automation', scopes: ['admin'] },
    }),
    success: [
      {
        name: 'a user mints a scoped token, shown once, that works as a Bearer token',
        async run(c) {
          const res = await as(c.cast.admin, {
            method: 'POST',
            url: '/api/v1/api-tokens',
            body: { name: 'ci', scopes: ['read', 'admin'], expiresInDays: 30 },
          });
          assert.equal(res.statusCode, 201, res.body);
          assert.match(res.json().token, /^afb_/);
          assert.deepEqual(res.json().scopes, ['read', 'admin']);
          assert.ok(res.json().expiresAt);
          const me = await as(res.json().token, { method: 'GET', url: '/api/v1/me' });
          assert.equal(me.json().id, c.cast.admin.userId);
          assert.deepEqual(me.json().scopes, ['read', 'admin']);
        },
      },
    ],
    invalid: [
      {
        name: 'no scopes',
        request: () => ({ method: 'POST', url: '/api/v1/api-tokens', body: { name: 'x', scopes: [] } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an unknown scope',
        request: () => ({ method: 'POST', url: '/api/v1/api-tokens', body: { name: 'x', scopes: ['root'] } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an empty name',
        request: () => ({ method: 'POST', url: '/api/v1/api-tokens', body: { name: '', scopes: ['read'] } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a lifetime of 0 days',
        request: () => ({
          method: 'POST',
          url: '/api/v1/api-tokens',
          body: { name: 'x', scopes: ['read'], expiresInDays: 0 },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: [
      { role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' },
      { role: 'GENERAL_USER', status: 403, code: 'SCOPE_NOT_HELD' },
      { role: 'EXTERNAL_AUDITOR', status: 403, code: 'SCOPE_NOT_HELD' },
    ],
  },

  'DELETE /api/v1/api-tokens/:id': {
    access: 'user',
    request: async (c) => {
      const created = await as(c.cast.admin, {
        method: 'POST',
        url: '/api/v1/api-tokens',
        body: { name: 'victim', scopes: ['read'] },
      });
      return { method: 'DELETE', url: `/api/v1/api-tokens/${created.json().id}` };
    },
    success: [
      {
        name: 'a user revokes their token and it is refused at once',
        async run(c) {
          const created = await as(c.cast.auditor, {
            method: 'POST',
            url: '/api/v1/api-tokens',
            body: { name: 'gone', scopes: ['read'] },
          });
          const { id, token } = created.json();
          assert.equal((await as(token, { method: 'GET', url: '/api/v1/me' })).statusCode, 200);
          assert.equal(
            (await as(c.cast.auditor, { method: 'DELETE', url: `/api/v1/api-tokens/${id}` })).statusCode,
            204,
          );
          expectError(await as(token, { method: 'GET', url: '/api/v1/me' }), 401);
        },
      },
    ],
    invalid: [
      {
        name: 'an id that is not a UUID',
        request: () => ({ method: 'DELETE', url: '/api/v1/api-tokens/abc' }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'an unknown token',
        request: () => ({ method: 'DELETE', url: `/api/v1/api-tokens/${randomUUID()}` }),
        status: 404,
        code: 'API_TOKEN_NOT_FOUND',
      },
    ],
    refused: [
      { role: 'ANONYMOUS', status: 401, code: 'UNAUTHENTICATED' },
      { role: 'GENERAL_USER', status: 404, code: 'API_TOKEN_NOT_FOUND' },
      { role: 'OTHER_ORG_ADMIN', status: 404, code: 'API_TOKEN_NOT_FOUND' },
    ],
  },

  'POST /internal/identity/introspect': {
    access: 'service',
    request: () => ({ method: 'POST', url: '/internal/identity/introspect', body: { token: 'afb_x' } }),
    success: [
      {
        name: "another service learns an API token's user, organisation, roles and scopes; unknown tokens are inactive",
        async run(c) {
          const token = await apiToken(c.app, c.cast.generalUser.token, ['read']);
          const res = await serviceCall({
            method: 'POST',
            url: '/internal/identity/introspect',
            body: { token },
          });
          assert.equal(res.statusCode, 200, res.body);
          const { result } = res.json();
          assert.equal(result.active, true);
          assert.equal(result.userId, c.cast.generalUser.userId);
          assert.equal(result.orgId, c.cast.admin.orgId);
          assert.deepEqual(result.scopes, ['read']);
          const unknown = await serviceCall({
            method: 'POST',
            url: '/internal/identity/introspect',
            body: { token: 'afb_unknown' },
          });
          assert.equal(unknown.json().result, null);
        },
      },
    ],
    invalid: [
      {
        name: 'a token longer than 200 characters',
        request: () => ({
          method: 'POST',
          url: '/internal/identity/introspect',
          body: { token: 'a'.repeat(201) },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'no token',
        request: () => ({ method: 'POST', url: '/internal/identity/introspect', body: {} }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: everyUserRefused,
  },

  'GET /internal/identity/revocations': {
    access: 'service',
    request: () => ({ method: 'GET', url: '/internal/identity/revocations' }),
    success: [
      {
        name: 'another service gets the revoked sessions (here: one just logged out)',
        async run(c) {
          const s = await signIn(c.app, c.cast.admin.email);
          await as(s, { method: 'POST', url: '/api/v1/auth/logout' });
          const payload = JSON.parse(Buffer.from(s.token.split('.')[1]!, 'base64url').toString());
          const res = await serviceCall({ method: 'GET', url: '/internal/identity/revocations' });
          assert.equal(res.statusCode, 200);
          assert.ok(res.json().sessions.includes(payload.sid));
        },
      },
    ],
    invalid: [],
    refused: everyUserRefused,
  },

  'POST /internal/identity/users': {
    access: 'service',
    request: (c) => ({
      method: 'POST',
      url: '/internal/identity/users',
      body: { ids: [c.cast.auditor.userId] },
    }),
    success: [
      {
        name: 'another service gets user summaries by id',
        async run(c) {
          const res = await serviceCall({
            method: 'POST',
            url: '/internal/identity/users',
            body: { ids: [c.cast.auditor.userId, c.cast.generalUser.userId] },
          });
          assert.equal(res.statusCode, 200);
          const emails = res
            .json()
            .items.map((u: { email: string }) => u.email)
            .sort();
          assert.deepEqual(emails, [c.cast.auditor.email, c.cast.generalUser.email].sort());
          assert.ok(!res.body.includes('password'));
        },
      },
    ],
    invalid: [
      {
        name: 'ids that are not UUIDs',
        request: () => ({ method: 'POST', url: '/internal/identity/users', body: { ids: ['1'] } }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: everyUserRefused,
  },

  'POST /internal/identity/users/by-email': {
    access: 'service',
    request: (c) => ({
      method: 'POST',
      url: '/internal/identity/users/by-email',
      body: { orgId: c.cast.admin.orgId, emails: [c.cast.auditor.email] },
    }),
    success: [
      {
        name: 'another service finds users of one organisation by email, case-insensitively',
        async run(c) {
          const res = await serviceCall({
            method: 'POST',
            url: '/internal/identity/users/by-email',
            body: {
              orgId: c.cast.admin.orgId,
              emails: [c.cast.auditor.email.toUpperCase(), c.cast.otherAdmin.email],
            },
          });
          assert.equal(res.statusCode, 200);
          assert.deepEqual(
            res.json().items.map((u: { id: string }) => u.id),
            [c.cast.auditor.userId],
          );
        },
      },
    ],
    invalid: [
      {
        name: 'an organisation id that is not a UUID',
        request: () => ({
          method: 'POST',
          url: '/internal/identity/users/by-email',
          body: { orgId: 'x', emails: [] },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: everyUserRefused,
  },

  'GET /internal/identity/organizations': {
    access: 'service',
    request: () => ({ method: 'GET', url: '/internal/identity/organizations' }),
    success: [
      {
        name: 'another service lists the organisations',
        async run(c) {
          const res = await serviceCall({ method: 'GET', url: '/internal/identity/organizations' });
          assert.equal(res.statusCode, 200, res.body);
          const ids = res.json().items.map((o: { id: string }) => o.id);
          assert.ok(ids.includes(c.cast.admin.orgId) && ids.includes(c.cast.otherAdmin.orgId));
        },
      },
    ],
    invalid: [],
    refused: everyUserRefused,
  },

  'POST /internal/identity/messages/:subscriber': {
    access: 'service',
    request: () => ({
      method: 'POST',
      url: '/internal/identity/messages/identity.notifications',
      body: { messages: [] },
    }),
    success: [
      {
        name: 'a tampering message is delivered once: the owners get one email even when it is redelivered',
        async run(c) {
          const message = {
            id: randomUUID(),
            topic: 'verification.tamper_detected',
            key: 'file-1',
            createdAt: new Date().toISOString(),
            payload: {
              v: 1,
              orgId: c.cast.admin.orgId,
              verificationId: randomUUID(),
              fileId: '1',
              fileName: 'contract.pdf',
              setIds: [],
              notifyUserIds: [c.cast.boxAdmin.userId],
              reasons: ['sha1 differs'],
            },
          };
          const req: Req = {
            method: 'POST',
            url: '/internal/identity/messages/identity.notifications',
            body: { messages: [message] },
          };
          assert.equal((await serviceCall(req)).statusCode, 204);
          assert.equal((await serviceCall(req)).statusCode, 204);
          await flushMail();
          const mails = mailTo(c.cast.boxAdmin.email).filter((m) => m.subject.includes('contract.pdf'));
          assert.equal(mails.length, 1);
        },
      },
    ],
    invalid: [
      {
        name: 'an unknown subscriber',
        request: () => ({
          method: 'POST',
          url: '/internal/identity/messages/audit.identity',
          body: { messages: [] },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
      {
        name: 'a message id that is not a UUID',
        request: () => ({
          method: 'POST',
          url: '/internal/identity/messages/identity.notifications',
          body: { messages: [{ id: '1', topic: 't', key: 'k', payload: {}, createdAt: 'now' }] },
        }),
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    ],
    refused: everyUserRefused,
  },
};

describe('identity endpoints', () => {
  before(async () => {
    const box = await startLocalBox();
    const app = await startTestApp({
      // A loopback public URL: the local Box accepts loopback redirect URIs.
      env: { AUDITOR_PUBLIC_URL: 'http://127.0.0.1:9' },
      box: { settings: box.settings(), sleep: box.sleep },
    });
    let n = 0;
    const run = randomUUID().slice(0, 6);
    const unique = (prefix: string) => `${prefix}-${run}-${++n}@a.test`;
    const cast = await createCast(app);
    ctx = {
      app,
      cast,
      box,
      unique,
      newAuditor: (extra = {}) => createAuditor(app, cast.admin.token, unique('ea'), extra),
    };
  });
  after(async () => {
    await ctx?.app.stop();
    await ctx?.box.close();
  });

  test('every identity route has a row here, with the access its route declares, and no row is stale', () => {
    const routes = ctx.app.routes.filter(
      (r) => r.service === 'identity-service' && !HOSTED_BY_IDENTITY.some((re) => re.test(r.url)),
    );
    assert.ok(routes.length > 20, 'the identity routes are listed');
    const declared = new Map(routes.map((r) => [`${r.method} ${r.url}`, r.auth]));
    const missing = [...declared.keys()].filter((k) => !(k in ROWS));
    assert.deepEqual(missing, [], `routes without a test row: ${missing.join(', ')}`);
    const stale = Object.keys(ROWS).filter((k) => !declared.has(k));
    assert.deepEqual(stale, [], `rows for routes that no longer exist: ${stale.join(', ')}`);
    for (const [key, row] of Object.entries(ROWS))
      assert.equal(declared.get(key), row.access, `${key} access`);
  });

  test('every signed-in route refuses anonymous callers and every service route refuses every user', () => {
    for (const [key, row] of Object.entries(ROWS)) {
      const refused = new Set(row.refused.map((r) => r.role));
      if (row.access === 'user') assert.ok(refused.has('ANONYMOUS'), `${key} must refuse anonymous callers`);
      if (row.access === 'service')
        for (const role of ROLE_NAMES) assert.ok(refused.has(role), `${key} must refuse ${role}`);
      if (row.access !== 'public')
        assert.ok(row.request, `${key} needs a valid request for the refusal checks`);
    }
  });

  for (const [key, row] of Object.entries(ROWS)) {
    describe(key, () => {
      for (const s of row.success) test(s.name, () => s.run(ctx));
      for (const inv of row.invalid) {
        test(`refuses ${inv.name} with ${inv.status} ${inv.code} and writes nothing`, async () => {
          const r = await inv.request(ctx);
          await assertWritesNothing(ctx.app, async () => {
            const res = row.access === 'service' ? await serviceCall(r) : await send(r, ctx.cast.admin.token);
            expectError(res, inv.status, inv.code);
          });
        });
      }
      for (const refusal of row.refused) {
        test(`refuses ${refusal.role} with ${refusal.status}${refusal.code ? ` ${refusal.code}` : ''} and writes nothing`, async () => {
          const r = await row.request!(ctx);
          await assertWritesNothing(ctx.app, async () => {
            expectError(await send(r, tokenOf(ctx.cast, refusal.role)), refusal.status, refusal.code);
          });
        });
      }
      if (row.access === 'service') {
        test('refuses a caller with a wrong service secret with 401', async () => {
          const r = await row.request!(ctx);
          await assertWritesNothing(ctx.app, async () => {
            expectError(await serviceCall(r, 'not-the-secret'), 401, 'UNAUTHENTICATED');
          });
        });
      }
    });
  }
});
