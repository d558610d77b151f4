import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';
import { ledgerTables } from './0002-ledger.ts';
import { ledgerIntakeTables } from './0003-ledger-intake.ts';

export const verificationMigrations = [messagingMigration('ledger'), ledgerTables, ledgerIntakeTables];
