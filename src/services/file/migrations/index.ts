import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';

export const fileMigrations = [messagingMigration('file')];
