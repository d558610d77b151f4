import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';
import { catalogueTables } from './0002-catalogue.ts';
import { enrichmentQueue } from './0003-enrichment-queue.ts';

export const fileMigrations = [messagingMigration('file'), catalogueTables, enrichmentQueue];
