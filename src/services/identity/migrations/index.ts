import { messagingMigration } from '../../../platform/messaging/messaging-tables.ts';
import { identityTables } from './0002-identity.ts';
import { totpLastStep } from './0003-totp-last-step.ts';

export const identityMigrations = [messagingMigration('identity'), identityTables, totpLastStep];
