/**
 * Composition of the identity service: keys and secrets, repositories, sessions, password sign-in,
 * user management, API tokens, routes, message handling and background jobs.
 */

import { createOAuthFlow } from '../../box/oauth-flow.ts';
import { mayGenerateSecrets } from '../../platform/config.ts';
import { createEncryptor, generateKeyRingEntry } from '../../platform/crypto/encryption.ts';
import type { Database } from '../../platform/db/database.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import { createPublisher } from '../../platform/messaging/outbox.ts';
import { assembleModule } from '../../platform/module-kit.ts';
import { loadSecret } from '../../platform/secrets.ts';
import type { ServiceContext, ServiceModule } from '../../platform/service-module.ts';
import { createOpsComponent, type OpsComponent } from '../ops/ops-component.ts';
import { type AccessTokenSigner, createAccessTokenSigner, generateSigningKeyPem } from './access-tokens.ts';
import { type AdminCommands, createAdminCommands } from './admin-commands.ts';
import { createApiTokens } from './api-tokens.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerBoxRoutes } from './box-routes.ts';
import { type BoxSignIn, createBoxSignIn } from './box-sign-in.ts';
import type { IdentityClient } from './identity-client.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { IdentityTables } from './identity-tables.ts';
import { registerInternalRoutes } from './internal-routes.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { createMailQueue, createTransport } from './mailer.ts';
import { identityMigrations } from './migrations/index.ts';
import { createNotificationHandler } from './notifications.ts';
import { createPasswordAuth, type PasswordAuth } from './password-auth.ts';
import { createPasswordHasher } from './passwords.ts';
import { createRevocationStore, type RevocationStore } from './revocations.ts';
import { createSessions, type Sessions } from './sessions.ts';
import { registerTokenRoutes } from './token-routes.ts';
import { createUserManagement } from './user-management.ts';
import { registerUserRoutes } from './user-routes.ts';
import { createUsersRepository } from './users-repository.ts';

export interface IdentityService {
  module: ServiceModule;
  client: IdentityClient;
  signer: AccessTokenSigner;
  revocations: RevocationStore;
  admin: AdminCommands;
  sessions: Sessions;
  passwords: PasswordAuth;
  boxSignIn: BoxSignIn;
  deps: IdentityDeps;
  /** Incidents and the operations API, hosted here (docs/decisions/operations.md). */
  ops: OpsComponent;
}

/** Secrets identity needs; loaded before the module so tests can inject their own. */
export function loadIdentitySecrets(ctx: Pick<ServiceContext, 'config' | 'dataDir'>) {
  const generate = mayGenerateSecrets(ctx.config);
  const jwtPem = loadSecret(
    {
      variable: 'AUDITOR_JWT_PRIVATE_KEY_FILE',
      file: ctx.config.AUDITOR_JWT_PRIVATE_KEY_FILE,
      generatedName: 'jwt-ed25519.pem',
      generate: generateSigningKeyPem,
    },
    ctx.dataDir,
    generate,
  );
  const encryptionKeys =
    ctx.config.AUDITOR_ENCRYPTION_KEYS && ctx.config.AUDITOR_ENCRYPTION_KEYS.length > 0
      ? ctx.config.AUDITOR_ENCRYPTION_KEYS
      : loadSecret(
          {
            variable: 'AUDITOR_ENCRYPTION_KEYS',
            file: undefined,
            generatedName: 'encryption-keys',
            generate: () => generateKeyRingEntry(),
          },
          ctx.dataDir,
          generate,
        ).split(',');
  return { jwtPem, encryptionKeys };
}

export async function createIdentityService(ctx: ServiceContext): Promise<IdentityService> {
  const { config } = ctx;
  const secrets = loadIdentitySecrets(ctx);
  const database = ctx.database as Database<IdentityTables>;
  const signer = await createAccessTokenSigner(
    secrets.jwtPem,
    ctx.publicUrl,
    config.AUDITOR_ACCESS_TOKEN_TTL,
  );
  const encryptor = createEncryptor(secrets.encryptionKeys);
  const db = database.db;
  const revocations = createRevocationStore(db, Math.max(config.AUDITOR_ACCESS_TOKEN_TTL, 30_000) + 60_000);
  const deps: IdentityDeps = {
    database,
    db,
    users: createUsersRepository(),
    clock: ctx.clock,
    config,
    signer,
    hasher: createPasswordHasher(config.AUDITOR_ARGON2_MEMORY_KIB, config.AUDITOR_ARGON2_ITERATIONS),
    throttle: createLoginThrottle(db, config.AUDITOR_LOGIN_MAX_FAILURES, config.AUDITOR_LOGIN_LOCKOUT),
    mail: createMailQueue({
      db,
      transport: createTransport(config.AUDITOR_SMTP_URL, ctx.dataDir),
      from: config.AUDITOR_MAIL_FROM,
      encryptor,
      clock: ctx.clock,
      logger: ctx.log,
    }),
    publish: createPublisher('identity'),
    revocations,
    encryptor,
    log: ctx.log,
    publicUrl: ctx.publicUrl,
  };
  const sessions = createSessions(deps);
  const passwords = createPasswordAuth(deps, sessions);
  const users = createUserManagement(deps, sessions, passwords);
  const tokens = createApiTokens(deps);
  const admin = createAdminCommands(deps, tokens, users);
  const boxSignIn = createBoxSignIn(
    deps,
    () => createOAuthFlow(ctx.box),
    `${ctx.publicUrl}/api/v1/auth/box/callback`,
  );

  const client: IdentityClient = {
    async organizations() {
      const rows = await deps.users.listOrganizations(db);
      return rows.map((o) => ({ id: o.id, name: o.name, boxEnterpriseId: o.box_enterprise_id }));
    },
    introspect: (token) => tokens.introspect(token),
    revocations: async () => revocations.snapshot(),
    async users(ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('identity.users').selectAll().where('id', 'in', ids).execute();
      return rows.map(toSummary);
    },
    async usersByEmail(orgId, emails) {
      if (emails.length === 0) return [];
      const lower = emails.map((e) => e.toLowerCase());
      const rows = await db
        .selectFrom('identity.users')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('deleted_at', 'is', null)
        .where((eb) => eb(eb.fn('lower', ['email']), 'in', lower))
        .execute();
      return rows.map(toSummary);
    },
  };

  const ops = createOpsComponent(ctx);
  const module = assembleModule(ctx, {
    name: 'identity',
    migrations: identityMigrations,
    handlers: [createNotificationHandler(deps)],
    jobs: [
      deps.mail.job(5000),
      createIntervalJob(
        'revocation-reload',
        config.AUDITOR_REVOCATION_POLL_INTERVAL,
        async () => revocations.reload(ctx.clock.now()),
        ctx.log,
      ),
    ],
    registerRoutes(app) {
      const secureCookies = ctx.publicUrl.startsWith('https://');
      registerAuthRoutes(app, {
        sessions,
        passwords,
        signer,
        secureCookies,
        refreshTtlMs: config.AUDITOR_REFRESH_TOKEN_TTL,
        authRateLimit: config.AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE,
      });
      registerBoxRoutes(app, {
        signIn: boxSignIn,
        sessions,
        secureCookies,
        refreshTtlMs: config.AUDITOR_REFRESH_TOKEN_TTL,
        authRateLimit: config.AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE,
      });
      registerUserRoutes(app, { users, deps, totpIssuer: 'Auditor for Box' });
      registerTokenRoutes(app, tokens);
      registerInternalRoutes(app, client);
      ops.registerRoutes(app);
    },
  });

  return { module, client, signer, revocations, admin, sessions, passwords, boxSignIn, deps, ops };
}

function toSummary(u: IdentityTables['identity.users']) {
  return {
    id: u.id,
    orgId: u.org_id,
    email: u.email,
    name: u.name,
    kind: u.kind,
    roles: u.roles,
    boxUserId: u.box_user_id,
    active: !u.deleted_at && !u.disabled_at,
    language: u.language,
  };
}
