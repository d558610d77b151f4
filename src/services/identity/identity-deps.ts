/** What the identity service's parts depend on, assembled once in identity-module.ts. */
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Encryptor } from '../../platform/crypto/encryption.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Publish } from '../../platform/messaging/outbox.ts';
import type { AccessTokenSigner } from './access-tokens.ts';
import type { IdentityDb, IdentityTables } from './identity-tables.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { MailQueue } from './mailer.ts';
import type { PasswordHasher } from './passwords.ts';
import type { RevocationStore } from './revocations.ts';
import type { UsersRepository } from './users-repository.ts';

export interface IdentityDeps {
  database: Database<IdentityTables>;
  db: IdentityDb;
  users: UsersRepository;
  clock: Clock;
  config: Pick<
    Config,
    | 'AUDITOR_ACCESS_TOKEN_TTL'
    | 'AUDITOR_REFRESH_TOKEN_TTL'
    | 'AUDITOR_RESET_CODE_TTL'
    | 'AUDITOR_RESET_CODE_MAX_ATTEMPTS'
    | 'AUDITOR_INVITATION_TTL'
  >;
  signer: AccessTokenSigner;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  mail: MailQueue;
  publish: Publish;
  revocations: RevocationStore;
  encryptor: Encryptor;
  log: Logger;
  publicUrl: string;
}
