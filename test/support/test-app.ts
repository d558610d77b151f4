/**
 * The all-in-one product on a fresh database, for tests: a cloned PostgreSQL database (or in-memory
 * PGlite where no server exists), port 0, argon2 at low cost, logs captured in memory, background
 * work off unless asked (tests drive the outbox with `drainOutboxes`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/platform/clock.ts';
import { type Config, type ConfigKey, loadConfig } from '../../src/platform/config.ts';
import { type RunningAllInOne, startAllInOne } from '../../src/runtime/all-in-one.ts';
import type { BoxOverrides } from '../../src/runtime/box-settings.ts';
import { type Api, createApi } from './api.ts';
import { createTestDatabase, type TestDatabase, testPgBaseUrl } from './database.ts';

export interface TestApp extends RunningAllInOne {
  config: Config;
  database: TestDatabase | undefined;
  logs: string[];
  api: Api;
  /** Creates an organisation with a password-login audit admin; returns a session for it. */
  bootstrapAdmin(email?: string): Promise<{ token: string; userId: string; orgId: string }>;
  stop(): Promise<void>;
}

export const TEST_PASSWORD = 'a test password that is long';

export function testEnv(extra: Partial<Record<ConfigKey, string>> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'info',
    AUDITOR_ARGON2_MEMORY_KIB: '64',
    AUDITOR_ARGON2_ITERATIONS: '1',
    AUDITOR_PUBLIC_URL: 'http://auditor.test',
    AUDITOR_RATE_LIMIT_PER_MINUTE: '100000',
    AUDITOR_AUTH_RATE_LIMIT_PER_MINUTE: '100000',
    AUDITOR_OUTBOX_POLL_INTERVAL: '20ms',
    AUDITOR_SHUTDOWN_GRACE_MS: '2s',
    ...extra,
  };
}

export async function startTestApp(
  o: {
    env?: Partial<Record<ConfigKey, string>>;
    clock?: Clock;
    background?: boolean;
    /** Box settings (e.g. the local Box's base URLs and app credentials) and test hooks. */
    box?: BoxOverrides;
  } = {},
): Promise<TestApp> {
  const database = testPgBaseUrl() ? await createTestDatabase() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'auditor-test-'));
  const config = loadConfig(
    testEnv({ AUDITOR_DATA_DIR: dataDir, ...(database ? { DATABASE_URL: database.url } : {}), ...o.env }),
  );
  const logs: string[] = [];
  const running = await startAllInOne({
    config,
    ...(o.clock ? { clock: o.clock } : {}),
    logDestination: { write: (line: string) => void logs.push(line) },
    memoryDatabase: !database,
    startBackground: o.background ?? false,
    ...(o.box ? { box: o.box } : {}),
  });
  const api = createApi(running.app);
  const app: TestApp = {
    ...running,
    config,
    database,
    logs,
    api,
    async bootstrapAdmin(email = 'admin@org.test') {
      const { organizationId, userId } = await running.services.identity!.admin.bootstrap({
        org: `Org ${email}`,
        email,
        password: TEST_PASSWORD,
      });
      const res = await api.post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
      return { token: res.json().accessToken as string, userId, orgId: organizationId };
    },
    async stop() {
      await running.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return app;
}
