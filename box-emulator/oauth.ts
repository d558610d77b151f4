import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OAuthError } from './errors.ts';
import type { BoxAppConfig } from './options.ts';
import type { BoxStore } from './store.ts';
import type { Json, TokenRec, UserRec } from './types.ts';

export const CODE_TTL_MS = 30_000;
export const ACCESS_TTL_S = 3600;
export const REFRESH_TTL_MS = 60 * 86_400_000;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Box-looking 32-character token from node:crypto (tokens are secrets, not seeded). */
export function randomToken(length = 32): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const isLoopback = (uri: string): boolean => /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(uri);

/** Apps, authorization codes and tokens, all timed by the injected clock. */
export class OAuthService {
  constructor(
    private readonly store: BoxStore,
    readonly apps: BoxAppConfig[],
    private readonly demo: boolean,
  ) {}

  private nowMs(): number {
    return this.store.now().getTime();
  }

  app(clientId: unknown): BoxAppConfig | undefined {
    return this.apps.find((a) => a.clientId === clientId);
  }

  /** client_id + client_secret, or 400 invalid_client. */
  client(clientId: unknown, secret: unknown): BoxAppConfig {
    const app = this.app(clientId);
    if (!app || typeof secret !== 'string' || !sameSecret(secret, app.clientSecret)) {
      throw new OAuthError('invalid_client', 'The client credentials are invalid');
    }
    return app;
  }

  /** Exact match against the app's list; in demo mode any http loopback URI is accepted as well. */
  redirectAllowed(app: BoxAppConfig, uri: string): boolean {
    return (app.redirectUris ?? []).includes(uri) || (this.demo && isLoopback(uri));
  }

  issueCode(input: {
    app: BoxAppConfig;
    user: UserRec;
    redirectUri?: string;
    scopes?: string[];
    codeChallenge?: string;
  }): string {
    this.prune();
    const code = randomToken();
    this.store.codes.set(code, {
      code,
      clientId: input.app.clientId,
      userId: input.user.id,
      scopes: input.scopes ?? input.app.scopes ?? [],
      expiresMs: this.nowMs() + CODE_TTL_MS,
      used: false,
      ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}),
      ...(input.codeChallenge ? { codeChallenge: input.codeChallenge } : {}),
    });
    this.store.dirty = true;
    return code;
  }

  exchangeCode(form: Record<string, string | undefined>): Json {
    const app = this.client(form.client_id, form.client_secret);
    if (app.kind !== 'oauth')
      throw new OAuthError('unauthorized_client', 'The grant type is unauthorized for this client_id');
    const rec = form.code ? this.store.codes.get(form.code) : undefined;
    if (!rec || rec.clientId !== app.clientId)
      throw new OAuthError('invalid_grant', "Auth code doesn't exist or is invalid for the client");
    if (rec.used) throw new OAuthError('invalid_grant', 'Auth code has already been used');
    if (rec.expiresMs <= this.nowMs()) throw new OAuthError('invalid_grant', 'Auth code has expired');
    if (form.redirect_uri && rec.redirectUri && form.redirect_uri !== rec.redirectUri) {
      throw new OAuthError('invalid_grant', 'The redirect_uri does not match the one used to authorize');
    }
    if (rec.codeChallenge) {
      const verifier = form.code_verifier ?? '';
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      if (!verifier || challenge !== rec.codeChallenge)
        throw new OAuthError('invalid_grant', 'Invalid code_verifier');
    }
    rec.used = true;
    return this.issueToken('oauth', app, rec.userId, rec.scopes);
  }

  refresh(form: Record<string, string | undefined>): Json {
    const app = this.client(form.client_id, form.client_secret);
    const rec = form.refresh_token ? this.store.refreshTokens.get(form.refresh_token) : undefined;
    if (
      !rec ||
      rec.clientId !== app.clientId ||
      rec.revoked ||
      rec.refreshUsed ||
      (rec.refreshExpiresMs ?? 0) <= this.nowMs()
    ) {
      throw new OAuthError('invalid_grant', 'Invalid refresh token');
    }
    rec.refreshUsed = true;
    return this.issueToken('oauth', app, rec.userId, rec.scopes);
  }

  /** Client Credentials Grant: the app's service account (enterprise subject) or a managed user. */
  clientCredentials(
    form: Record<string, string | undefined>,
    serviceAccountOf: (app: BoxAppConfig) => UserRec,
  ): Json {
    const app = this.client(form.client_id, form.client_secret);
    const invalid = new OAuthError('invalid_grant', 'Grant credentials are invalid');
    if (app.kind !== 'ccg') throw invalid;
    if (form.box_subject_type === 'enterprise') {
      if (form.box_subject_id !== (app.enterpriseId ?? this.store.enterprise.id)) throw invalid;
      return this.issueToken('ccg', app, serviceAccountOf(app).id, app.scopes ?? []);
    }
    if (form.box_subject_type === 'user') {
      const user = form.box_subject_id ? this.store.users.get(form.box_subject_id) : undefined;
      if (!app.canActAsUser || !user || user.kind !== 'managed' || user.status !== 'active') throw invalid;
      return this.issueToken('ccg', app, user.id, app.scopes ?? []);
    }
    throw new OAuthError('invalid_request', 'box_subject_type must be enterprise or user');
  }

  /** Revoking either token of a pair revokes both. Unknown tokens are accepted silently (200). */
  revoke(form: Record<string, string | undefined>): void {
    const app = this.client(form.client_id, form.client_secret);
    const token = form.token ?? '';
    const rec = this.store.tokens.get(token) ?? this.store.refreshTokens.get(token);
    if (rec && rec.clientId === app.clientId) {
      rec.revoked = true;
      this.store.dirty = true;
    }
  }

  /** The token behind a bearer string, if it is still valid. */
  tokenFor(accessToken: string): TokenRec | undefined {
    const rec = this.store.tokens.get(accessToken);
    if (!rec || rec.revoked || rec.accessExpiresMs <= this.nowMs()) return undefined;
    return rec;
  }

  private issueToken(kind: 'oauth' | 'ccg', app: BoxAppConfig, userId: string, scopes: string[]): Json {
    this.prune();
    const now = this.nowMs();
    const rec: TokenRec = {
      kind,
      accessToken: randomToken(),
      clientId: app.clientId,
      userId,
      scopes,
      accessExpiresMs: now + ACCESS_TTL_S * 1000,
      revoked: false,
      refreshUsed: false,
    };
    if (kind === 'oauth') {
      rec.refreshToken = randomToken(64);
      rec.refreshExpiresMs = now + REFRESH_TTL_MS;
      this.store.refreshTokens.set(rec.refreshToken, rec);
    }
    this.store.tokens.set(rec.accessToken, rec);
    this.store.dirty = true;
    return kind === 'oauth'
      ? {
          access_token: rec.accessToken,
          expires_in: ACCESS_TTL_S,
          restricted_to: [],
          refresh_token: rec.refreshToken,
          token_type: 'bearer',
        }
      : {
          access_token: rec.accessToken,
          expires_in: ACCESS_TTL_S,
          restricted_to: [],
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          token_type: 'bearer',
        };
  }

  /** Forget codes and tokens that can no longer be used by anyone. */
  private prune(): void {
    const now = this.nowMs();
    for (const [k, c] of this.store.codes) if (c.expiresMs + CODE_TTL_MS < now) this.store.codes.delete(k);
    for (const [k, t] of this.store.tokens) {
      const refreshAlive = t.refreshToken && !t.refreshUsed && !t.revoked && (t.refreshExpiresMs ?? 0) > now;
      if (t.accessExpiresMs + 86_400_000 < now && !refreshAlive) {
        this.store.tokens.delete(k);
        if (t.refreshToken) this.store.refreshTokens.delete(t.refreshToken);
      }
    }
  }
}
