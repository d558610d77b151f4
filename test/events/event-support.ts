/**
 * Shared support for the event service tests: the local Box on a manual clock the product shares (a
 * `sleep` that advances it instead of waiting), an organisation connected to the local Box's
 * enterprise, and direct reads of the event schema.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { ManualClock, type RunningBoxEmulator, startBoxEmulator } from '../../box-emulator/index.ts';
import type { BoxSettings } from '../../src/box/box-connector.ts';
import type { ConfigKey } from '../../src/platform/config.ts';
import type { AnyDb } from '../../src/platform/db/database.ts';
import { localBoxSettings } from '../../src/runtime/demo.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

export const DAY_MS = 86_400_000;

type AppConfig = RunningBoxEmulator['emulator']['apps'][number];

export interface EventBox extends RunningBoxEmulator {
  clock: ManualClock;
  /** Virtual-time sleep: advances the shared clock and yields once. */
  sleep(ms: number): Promise<void>;
  /** Every sleep asked for, in order (ms). */
  sleeps: number[];
  /** Settings for the first CCG app (or the given one). */
  settings(
    o?: Partial<Pick<BoxSettings, 'callsPerMinute' | 'timeoutMs' | 'maxRetryWaitMs'>>,
    app?: AppConfig,
  ): BoxSettings;
  ccgApp: AppConfig;
  /** Every CCG app (several when `ccgApps` > 1: replicas that tell apart in the request log). */
  ccgApps: AppConfig[];
}

const secret = () => randomBytes(24).toString('hex');

export async function startEventBox(
  o: { start?: Date | string | number; demo?: boolean; seed?: number; ccgApps?: number } = {},
): Promise<EventBox> {
  const clock = new ManualClock(o.start ?? '2026-03-02T09:00:00Z');
  const apps: AppConfig[] | undefined =
    (o.ccgApps ?? 1) > 1
      ? [
          {
            clientId: secret(),
            clientSecret: secret(),
            kind: 'oauth',
            redirectUris: [],
            canActAsUser: false,
          },
          ...Array.from({ length: o.ccgApps! }, () => ({
            clientId: secret(),
            clientSecret: secret(),
            kind: 'ccg' as const,
            canActAsUser: true,
            webhookPrimaryKey: secret(),
            webhookSecondaryKey: secret(),
          })),
        ]
      : undefined;
  const box = await startBoxEmulator({
    demo: o.demo ?? true,
    seed: o.seed ?? 1,
    clock,
    ...(apps ? { apps } : {}),
  });
  const sleeps: number[] = [];
  const ccgApps = box.emulator.apps.filter((a) => a.kind === 'ccg');
  const ccgApp = ccgApps[0]!;
  return {
    ...box,
    clock,
    sleeps,
    async sleep(ms: number) {
      sleeps.push(ms);
      const due = clock.now().getTime() + ms;
      await new Promise<void>((r) => setImmediate(r));
      if (clock.now().getTime() < due) clock.set(due);
    },
    settings: (s = {}, app = ccgApp) => ({
      ...localBoxSettings(box, {
        callsPerMinute: s.callsPerMinute ?? 100_000,
        timeoutMs: s.timeoutMs ?? 10_000,
        maxRetryWaitMs: s.maxRetryWaitMs ?? 120_000,
      }),
      ccg: { clientId: app.clientId, clientSecret: app.clientSecret },
      webhookKeys: { primary: app.webhookPrimaryKey, secondary: app.webhookSecondaryKey },
    }),
    ccgApp,
    ccgApps,
  };
}

/** The all-in-one product on the local Box's clock, background work off (tests drive it). */
export function startEventApp(
  box: EventBox,
  o: {
    env?: Partial<Record<ConfigKey, string>>;
    background?: boolean;
    settings?: Parameters<EventBox['settings']>[0];
  } = {},
): Promise<TestApp> {
  return startTestApp({
    clock: box.clock,
    env: { AUDITOR_INGEST_PAGE_SIZE: '500', AUDITOR_SEARCH_RATE_LIMIT_PER_MINUTE: '1000000', ...o.env },
    background: o.background ?? false,
    box: { settings: box.settings(o.settings), sleep: (ms) => box.sleep(ms) },
  });
}

export interface ConnectedOrg {
  orgId: string;
  token: string;
  userId: string;
}

/** An organisation with an audit admin, connected to the local Box's enterprise (as Box sign-in would). */
export async function connectOrg(app: TestApp, enterpriseId: string, email = 'admin@events.test') {
  const admin = await app.bootstrapAdmin(email);
  await sql`update identity.organizations set box_enterprise_id = ${enterpriseId} where id = ${admin.orgId}`.execute(
    app.platform.pool.db,
  );
  return admin;
}

export function eventService(app: TestApp) {
  return app.services.event!;
}

/** Ticks the ingester until it reports nothing more to read right away. */
export async function ingestUntilIdle(app: TestApp, maxTicks = 1000): Promise<void> {
  for (let i = 0; i < maxTicks; i++) {
    if (!(await eventService(app).ingester.tick())) return;
  }
  throw new Error('the ingester did not become idle');
}

export async function storedEventIds(db: AnyDb, orgId: string): Promise<string[]> {
  const res = await sql<{ event_id: string }>`
    select event_id from event.events where org_id = ${orgId} order by event_id`.execute(db);
  return res.rows.map((r) => r.event_id);
}

export async function eventKeyIds(db: AnyDb, orgId: string): Promise<string[]> {
  const res = await sql<{ event_id: string }>`
    select event_id from event.event_keys where org_id = ${orgId} order by event_id`.execute(db);
  return res.rows.map((r) => r.event_id);
}

export async function streamOf(db: AnyDb, orgId: string) {
  const res = await sql<{ stream_position: string | null; events_stored: number; last_error: string | null }>`
    select stream_position, events_stored, last_error from event.org_streams where org_id = ${orgId}`.execute(
    db,
  );
  return res.rows[0];
}

/** Event ids of the local Box's admin_logs_streaming retention window (14 days by recorded_at). */
export function retainedEventIds(box: RunningBoxEmulator, now: Date): string[] {
  const log = box.emulator.state.store.events;
  const first = log.firstSeqRecordedFrom(now.getTime() - 14 * DAY_MS);
  return log.enterprise
    .slice(first - 1)
    .map((e) => String(e.json.event_id))
    .sort();
}

export const sorted = (xs: string[]) => [...xs].sort();
