import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';
import { auditTables } from './0002-audit.ts';

export const auditMigrations = [messagingMigration('audit'), auditTables];
