import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';

export const auditMigrations = [messagingMigration('audit')];
