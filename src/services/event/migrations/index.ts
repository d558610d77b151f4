import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';

export const eventMigrations = [messagingMigration('event')];
