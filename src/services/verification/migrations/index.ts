import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';
import { ledgerTables } from './0002-ledger.ts';
import { ledgerIntakeTables } from './0003-ledger-intake.ts';
import { verificationTables } from './0004-verification.ts';

export const verificationMigrations = [
  messagingMigration('ledger'),
  ledgerTables,
  ledgerIntakeTables,
  verificationTables,
];
