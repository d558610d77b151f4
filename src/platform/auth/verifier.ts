/**
 * Verifying callers in every service: access JWTs locally against identity's JWKS (EdDSA only, fixed
 * issuer and audience, so `alg: none`, HS256 key confusion and tokens minted for other audiences are
 * refused), opaque API tokens through identity's introspection (cached at most 30 s), and revocation
 * (a disabled, deleted or logged-out user's tokens stop working at once) through a revocation view.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock } from '../clock.ts';
import { unauthorized } from '../errors.ts';
import type { Role } from '../messaging/catalogue.ts';
import type { Scope, UserPrincipal } from './principal.ts';

export const JWT_AUDIENCE = 'auditor-for-box';
export const API_TOKEN_PREFIX = 'afb_';

export interface Introspection {
  active: boolean;
  userId: string;
  orgId: string;
  roles: Role[];
  scopes: Scope[];
  tokenId: string;
  issuedAt: number;
}

export interface RevocationView {
  /** True when tokens of this user issued at `issuedAt` (seconds), or this session, are no longer valid. */
  isRevoked(userId: string, sessionId: string, issuedAt: number): boolean;
}

export interface AuthVerifier {
  verifyAccessToken(token: string, via: 'bearer' | 'cookie'): Promise<UserPrincipal>;
  verifyApiToken(token: string): Promise<UserPrincipal>;
  verifyServiceSecret(presented: string): boolean;
}

export interface AuthVerifierOptions {
  issuer: string;
  keys: JWTVerifyGetKey;
  introspect(token: string): Promise<Introspection | null>;
  revocations: RevocationView;
  introspectionCacheMs: number;
  serviceSecret: string;
  clock: Clock;
}

export function createAuthVerifier(o: AuthVerifierOptions): AuthVerifier {
  const cache = new Map<string, { value: Introspection | null; until: number }>();
  const secretDigest = createHash('sha256').update(o.serviceSecret).digest();

  return {
    async verifyAccessToken(token, via) {
      let payload: Record<string, unknown>;
      try {
        const res = await jwtVerify(token, o.keys, {
          issuer: o.issuer,
          audience: JWT_AUDIENCE,
          algorithms: ['EdDSA'],
          currentDate: o.clock.now(),
          requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        });
        payload = res.payload as Record<string, unknown>;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError || err instanceof TypeError)
          throw unauthorized('TOKEN_INVALID');
        throw err;
      }
      const principal: UserPrincipal = {
        kind: 'user',
        userId: String(payload.sub),
        orgId: String(payload.org),
        roles: (payload.roles as Role[]) ?? [],
        scopes: (payload.scopes as Scope[]) ?? [],
        sessionId: String(payload.sid),
        via,
        issuedAt: Number(payload.iat),
      };
      if (o.revocations.isRevoked(principal.userId, principal.sessionId, principal.issuedAt)) {
        throw unauthorized('TOKEN_REVOKED');
      }
      return principal;
    },

    async verifyApiToken(token) {
      const key = createHash('sha256').update(token).digest('base64url');
      const now = o.clock.now().getTime();
      let entry = cache.get(key);
      // Revocations are kept in whole seconds (like JWT `iat`): a cached answer from the same second
      // as a user's revocation may predate it, so it is checked afresh rather than trusted (`- 1`
      // turns the revocation test into "issued at or before"). A fresh answer reflects the change.
      const maybeStale =
        entry?.value?.active === true &&
        o.revocations.isRevoked(entry.value.userId, entry.value.tokenId, entry.value.issuedAt - 1);
      if (!entry || entry.until < now || maybeStale) {
        entry = { value: await o.introspect(token), until: now + o.introspectionCacheMs };
        cache.set(key, entry);
        if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
      }
      const info = entry.value;
      if (!info?.active) throw unauthorized('TOKEN_INVALID');
      if (o.revocations.isRevoked(info.userId, info.tokenId, info.issuedAt))
        throw unauthorized('TOKEN_REVOKED');
      return {
        kind: 'user',
        userId: info.userId,
        orgId: info.orgId,
        roles: info.roles,
        scopes: info.scopes,
        sessionId: info.tokenId,
        via: 'api-token',
        issuedAt: info.issuedAt,
      };
    },

    verifyServiceSecret(presented) {
      const digest = createHash('sha256').update(presented).digest();
      return timingSafeEqual(digest, secretDigest);
    },
  };
}
