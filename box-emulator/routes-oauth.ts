import type { FastifyInstance } from 'fastify';
import { renderAuthorizePage, renderErrorPage } from './authorize-page.ts';
import type { Deps } from './context.ts';
import { BoxHttpError, OAuthError } from './errors.ts';
import { recordLogin } from './ops-folders.ts';
import type { BoxAppConfig } from './options.ts';
import type { UserRec } from './types.ts';

type Params = Record<string, string | undefined>;

/** A failed authorize request: shown as a page, or sent back to the client when the redirect URI is trusted. */
class AuthorizeError extends Error {
  constructor(
    message: string,
    readonly redirect?: { uri: string; error: string; state?: string },
  ) {
    super(message);
  }
}

interface Checked {
  app: BoxAppConfig;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
}

function checkAuthorize(deps: Deps, q: Params): Checked {
  const app = deps.oauth.app(q.client_id);
  if (app?.kind !== 'oauth') throw new AuthorizeError('Unknown client_id.');
  const redirectUri = q.redirect_uri ?? (app.redirectUris?.length === 1 ? app.redirectUris[0] : undefined);
  if (!redirectUri || !deps.oauth.redirectAllowed(app, redirectUri))
    throw new AuthorizeError('The redirect_uri is not registered for this app.');
  const back = (error: string): AuthorizeError =>
    new AuthorizeError(error, { uri: redirectUri, error, ...(q.state ? { state: q.state } : {}) });
  if (q.response_type !== 'code') throw back('unsupported_response_type');
  const scopes = q.scope ? q.scope.split(/[ ,]+/).filter(Boolean) : (app.scopes ?? []);
  if (scopes.some((s) => !(app.scopes ?? []).includes(s))) throw back('invalid_scope');
  if (q.code_challenge && (q.code_challenge_method ?? 'plain') !== 'S256') throw back('invalid_request');
  return { app, redirectUri, scopes, ...(q.code_challenge ? { codeChallenge: q.code_challenge } : {}) };
}

function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function signIn(deps: Deps, checked: Checked, user: UserRec, ip: string): string {
  recordLogin(deps.store, { at: deps.clock.now(), actor: user, ip });
  return deps.oauth.issueCode({
    app: checked.app,
    user,
    redirectUri: checked.redirectUri,
    scopes: checked.scopes,
    ...(checked.codeChallenge ? { codeChallenge: checked.codeChallenge } : {}),
  });
}

const signableUsers = (deps: Deps): UserRec[] =>
  [...deps.store.users.values()]
    .filter((u) => u.kind === 'managed' && u.status === 'active')
    .sort(
      (a, b) =>
        ['admin', 'coadmin', 'user'].indexOf(a.role) - ['admin', 'coadmin', 'user'].indexOf(b.role) ||
        a.name.localeCompare(b.name),
    );

export function registerOAuthRoutes(app: FastifyInstance, deps: Deps): void {
  app.post('/oauth2/token', async (req) => {
    const form = (req.body ?? {}) as Params;
    switch (form.grant_type) {
      case 'authorization_code':
        return deps.oauth.exchangeCode(form);
      case 'refresh_token':
        return deps.oauth.refresh(form);
      case 'client_credentials':
        return deps.oauth.clientCredentials(form, (a) => deps.serviceAccountOf(a));
      case undefined:
        throw new OAuthError('invalid_request', 'Invalid grant_type parameter or parameter missing');
      default:
        throw new OAuthError(
          'unsupported_grant_type',
          'The authorization grant type is not supported by this server',
        );
    }
  });

  app.post('/oauth2/revoke', async (req, reply) => {
    deps.oauth.revoke((req.body ?? {}) as Params);
    return reply.code(200).send();
  });

  const authorizeFailure = (err: unknown, reply: import('fastify').FastifyReply) => {
    if (!(err instanceof AuthorizeError)) throw err;
    if (err.redirect)
      return reply.redirect(
        withParams(err.redirect.uri, { error: err.redirect.error, state: err.redirect.state }),
        302,
      );
    return reply.code(400).type('text/html; charset=utf-8').send(renderErrorPage(err.message));
  };

  app.get('/api/oauth2/authorize', async (req, reply) => {
    const q = req.query as Params;
    try {
      checkAuthorize(deps, q);
    } catch (err) {
      return authorizeFailure(err, reply);
    }
    const hidden: Record<string, string> = {};
    for (const k of [
      'response_type',
      'client_id',
      'redirect_uri',
      'state',
      'scope',
      'code_challenge',
      'code_challenge_method',
    ]) {
      if (q[k] !== undefined) hidden[k] = q[k]!;
    }
    const html = renderAuthorizePage({
      enterprise: deps.store.enterprise.name,
      hidden,
      users: signableUsers(deps),
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.post('/api/oauth2/authorize', async (req, reply) => {
    const form = (req.body ?? {}) as Params;
    try {
      const checked = checkAuthorize(deps, form);
      if (form.deny)
        throw new AuthorizeError('access_denied', {
          uri: checked.redirectUri,
          error: 'access_denied',
          ...(form.state ? { state: form.state } : {}),
        });
      const user = form.login ? deps.store.userByLogin(form.login) : undefined;
      if (user?.kind !== 'managed' || user.status !== 'active') throw new AuthorizeError('Unknown user.');
      const code = signIn(deps, checked, user, req.ip);
      return reply.redirect(withParams(checked.redirectUri, { code, state: form.state }), 302);
    } catch (err) {
      return authorizeFailure(err, reply);
    }
  });

  app.post('/_emulator/oauth/authorize', async (req) =>
    controlAuthorize(deps, (req.body ?? {}) as AuthorizeInput, req.ip),
  );
}

export interface AuthorizeInput {
  clientId: string;
  login: string;
  redirectUri?: string;
  state?: string;
  scope?: string;
  codeChallenge?: string;
}

/** Control: sign a user in without a browser; the code goes through the normal exchange. */
export function controlAuthorize(
  deps: Deps,
  b: AuthorizeInput,
  ip = '127.0.0.1',
): { code: string; redirectTo: string } {
  try {
    const checked = checkAuthorize(deps, {
      response_type: 'code',
      client_id: b.clientId,
      redirect_uri: b.redirectUri,
      state: b.state,
      scope: b.scope,
      code_challenge: b.codeChallenge,
      code_challenge_method: b.codeChallenge ? 'S256' : undefined,
    });
    const user = b.login ? deps.store.userByLogin(b.login) : undefined;
    if (user?.kind !== 'managed') throw new AuthorizeError(`Unknown login ${b.login ?? ''}`);
    const code = signIn(deps, checked, user, ip);
    return { code, redirectTo: withParams(checked.redirectUri, { code, state: b.state }) };
  } catch (err) {
    if (err instanceof AuthorizeError)
      throw new BoxHttpError(400, 'bad_request', err.redirect ? err.redirect.error : err.message);
    throw err;
  }
}
