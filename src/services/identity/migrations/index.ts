import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';
import { identityTables } from './0002-identity.ts';

export const identityMigrations = [messagingMigration('identity'), identityTables];
