import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';

export const verificationMigrations = [messagingMigration('ledger')];
