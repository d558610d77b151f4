import { sql } from 'kysely';
import type { Migration } from '../../../platform/db/migrator.ts';

/** The last accepted authenticator time step per user, so a code cannot be used twice. */
export const totpLastStep: Migration = {
  version: 3,
  name: 'last accepted TOTP step',
  async up(trx) {
    await sql`alter table identity.users add column totp_last_step bigint`.execute(trx);
  },
  async down(trx) {
    await sql`alter table identity.users drop column totp_last_step`.execute(trx);
  },
};
