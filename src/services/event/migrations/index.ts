import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';
import { eventTables } from './0002-events.ts';

export const eventMigrations = [messagingMigration('event'), eventTables];
