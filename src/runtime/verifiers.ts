/**
 * The auth verifier of a process. In all-in-one mode (and in the identity service) it uses identity's
 * key, introspection and revocation list directly; elsewhere it fetches the JWKS, introspects over
 * HTTP and polls the revocation list.
 */
import { createLocalJWKSet, createRemoteJWKSet } from 'jose';
import type { AuthVerifier } from '../platform/auth/verifier.ts';
import { createAuthVerifier } from '../platform/auth/verifier.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import { createIntervalJob } from '../platform/interval-job.ts';
import type { Logger } from '../platform/logging.ts';
import type { BackgroundJob } from '../platform/module-kit.ts';
import type { IdentityClient } from '../services/identity/identity-client.ts';
import type { IdentityService } from '../services/identity/identity-module.ts';
import { createRevocationState } from '../services/identity/revocations.ts';

export function createLocalVerifier(
  identity: IdentityService,
  o: { config: Config; clock: Clock; secret: string; issuer: string },
): AuthVerifier {
  return createAuthVerifier({
    issuer: o.issuer,
    keys: createLocalJWKSet(identity.signer.jwks()),
    introspect: (token) => identity.client.introspect(token),
    revocations: identity.revocations,
    introspectionCacheMs: o.config.AUDITOR_INTROSPECTION_CACHE_TTL,
    serviceSecret: o.secret,
    clock: o.clock,
  });
}

export function createRemoteVerifier(
  identityUrl: string,
  identity: IdentityClient,
  o: { config: Config; clock: Clock; secret: string; issuer: string; logger: Logger },
): { verifier: AuthVerifier; revocationJob: BackgroundJob } {
  const revocations = createRevocationState();
  const revocationJob = createIntervalJob(
    'revocation-poll',
    o.config.AUDITOR_REVOCATION_POLL_INTERVAL,
    async () => revocations.apply(await identity.revocations()),
    o.logger,
  );
  const verifier = createAuthVerifier({
    issuer: o.issuer,
    keys: createRemoteJWKSet(new URL(`${identityUrl}/.well-known/jwks.json`), {
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    }),
    introspect: (token) => identity.introspect(token),
    revocations,
    introspectionCacheMs: o.config.AUDITOR_INTROSPECTION_CACHE_TTL,
    serviceSecret: o.secret,
    clock: o.clock,
  });
  return { verifier, revocationJob };
}
