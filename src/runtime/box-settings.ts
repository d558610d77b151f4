/** Box connection settings from configuration (real Box by default, the local Box in demo and tests). */
import {
  type BoxConnector,
  type BoxDeps,
  type BoxSettings,
  createBoxConnector,
} from '../box/box-connector.ts';
import type { Config } from '../platform/config.ts';
import type { ProcessBasics } from './process-basics.ts';

export function boxSettingsFromConfig(c: Config): BoxSettings {
  return {
    baseUrls: {
      baseUrl: c.BOX_API_BASE_URL,
      uploadUrl: c.BOX_UPLOAD_BASE_URL,
      oauth2Url: c.BOX_OAUTH2_BASE_URL,
    },
    oauth:
      c.BOX_OAUTH_CLIENT_ID && c.BOX_OAUTH_CLIENT_SECRET
        ? { clientId: c.BOX_OAUTH_CLIENT_ID, clientSecret: c.BOX_OAUTH_CLIENT_SECRET }
        : undefined,
    ccg:
      c.BOX_CCG_CLIENT_ID && c.BOX_CCG_CLIENT_SECRET
        ? { clientId: c.BOX_CCG_CLIENT_ID, clientSecret: c.BOX_CCG_CLIENT_SECRET }
        : undefined,
    callsPerMinute: c.BOX_CALLS_PER_MINUTE,
    timeoutMs: c.BOX_REQUEST_TIMEOUT,
    maxRetryWaitMs: c.BOX_MAX_RETRY_WAIT,
    webhookKeys: { primary: c.BOX_WEBHOOK_PRIMARY_KEY, secondary: c.BOX_WEBHOOK_SECONDARY_KEY },
  };
}

export interface BoxOverrides {
  /** Settings to use instead of configuration (the demo's local Box, tests). */
  settings?: BoxSettings | undefined;
  /** Virtual-time waiting for tests. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  onExchange?: BoxDeps['onExchange'];
}

/** The process's Box connector, counting every attempt in auditor_box_api_requests_total. */
export function createProcessBox(basics: ProcessBasics, o: BoxOverrides = {}): BoxConnector {
  return createBoxConnector(o.settings ?? boxSettingsFromConfig(basics.config), {
    clock: basics.clock,
    ...(o.sleep ? { sleep: o.sleep } : {}),
    onAttempt: (app, status) => basics.metrics.boxApiRequests.inc({ app, status: String(status) }),
    ...(o.onExchange ? { onExchange: o.onExchange } : {}),
  });
}
