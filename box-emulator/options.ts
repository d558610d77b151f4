import type { Clock } from './clock.ts';

export interface BoxEmulatorOptions {
  /** Deterministic generation (default 1). */
  seed?: number;
  /** Injectable clock; default the system clock. */
  clock?: Clock;
  /** Seed the demo enterprise (default true). */
  demo?: boolean;
  /** Registered apps; default one OAuth and one CCG app with random secrets. */
  apps?: BoxAppConfig[];
  /** Load state from this JSON file at start; save on close and every few seconds when dirty. */
  statePath?: string;
  /** Background activity generator; off when absent or 0. */
  activity?: { eventsPerMinute: number };
  /** Base URL used in Location headers and download URLs (default: derived from the listening address). */
  publicUrl?: string;
  logger?: boolean;
}

export interface BoxAppConfig {
  clientId: string;
  clientSecret: string;
  kind: 'oauth' | 'ccg';
  redirectUris?: string[];
  /** "Make API calls using the as-user header" and "Generate user access tokens". */
  canActAsUser?: boolean;
  scopes?: string[];
  webhookPrimaryKey?: string;
  webhookSecondaryKey?: string;
  enterpriseId?: string;
}
