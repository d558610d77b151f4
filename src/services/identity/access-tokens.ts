/**
 * Access tokens: EdDSA (Ed25519) JWTs of 15 minutes carrying the user, organisation, roles, scopes
 * and session id. The public key is served as a JWKS for every service to verify locally.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK, SignJWT } from 'jose';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import { JWT_AUDIENCE } from '../../platform/auth/verifier.ts';

export interface AccessTokenSigner {
  readonly kid: string;
  sign(
    claims: Omit<UserPrincipal, 'kind' | 'via' | 'issuedAt'>,
    now: Date,
  ): Promise<{ token: string; expiresIn: number }>;
  jwks(): { keys: JWK[] };
  publicKey: KeyObject;
}

export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export async function createAccessTokenSigner(
  pem: string,
  issuer: string,
  ttlMs: number,
): Promise<AccessTokenSigner> {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('the access-token signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const publicJwk: JWK = { ...jwk, kid, alg: 'EdDSA', use: 'sig' };
  const ttlSeconds = Math.round(ttlMs / 1000);
  return {
    kid,
    publicKey,
    async sign(claims, now) {
      const iat = Math.floor(now.getTime() / 1000);
      const token = await new SignJWT({
        org: claims.orgId,
        roles: claims.roles,
        scopes: claims.scopes,
        sid: claims.sessionId,
      })
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(JWT_AUDIENCE)
        .setSubject(claims.userId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(privateKey);
      return { token, expiresIn: ttlSeconds };
    },
    jwks: () => ({ keys: [publicJwk] }),
  };
}
