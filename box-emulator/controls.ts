import { activityOnce } from './activity.ts';
import type { Deps } from './context.ts';
import { STREAM_BASE } from './event-log.ts';
import type { ActiveFault, FaultSpec } from './faults.ts';
import type { RequestLogEntry, RequestLogFilter } from './request-log.ts';
import { type AuthorizeInput, controlAuthorize } from './routes-oauth.ts';
import { type TamperAction, tamper } from './tamper.ts';
import type { Json } from './types.ts';
import type { DeliveryRecord } from './webhook-delivery.ts';

/** Everything the `/_emulator/` control API does, callable in-process. */
export interface EmulatorControls {
  addFault(fault: FaultSpec): ActiveFault;
  faults(): ActiveFault[];
  clearFaults(): void;
  /** Silent changes (no event): change-content, delete-version, restore-version. */
  tamper(action: TamperAction): Json;
  /** Generates `n` activities now (at the clock's current time). */
  generateActivity(n: number): { generated: number; kinds: Record<string, number> };
  summary(): Json;
  /** Signs a user in without a browser; exchange the code at /oauth2/token. */
  authorize(input: AuthorizeInput): { code: string; redirectTo: string };
  requests(filter?: RequestLogFilter): RequestLogEntry[];
  clearRequests(): void;
  /** Sends scheduled webhook retries now; resolves when they are done. */
  flushWebhooks(): Promise<number>;
  /** Resolves when no webhook delivery is in flight. */
  webhooksIdle(): Promise<void>;
  webhookDeliveries(): DeliveryRecord[];
}

export function createControls(deps: Deps): EmulatorControls {
  const { store } = deps;
  return {
    addFault: (fault) => deps.faults.add(fault),
    faults: () => deps.faults.list(),
    clearFaults: () => deps.faults.clear(),
    tamper: (action) => tamper(store, action),
    generateActivity(n) {
      const kinds: Record<string, number> = {};
      const count = Math.max(0, Math.min(Math.floor(n), 1_000_000));
      for (let i = 0; i < count; i++) {
        const kind = activityOnce(store, deps.clock.now());
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
      return { generated: count, kinds };
    },
    summary() {
      const users = [...store.users.values()];
      return {
        now: deps.clock.now().toISOString(),
        enterprise: store.enterprise,
        users: users.filter((u) => u.kind === 'managed').length,
        serviceAccounts: users.filter((u) => u.kind === 'service_account').length,
        externalUsers: users.filter((u) => u.kind === 'external').length,
        folders: store.folders.size,
        files: store.files.size,
        trashedFiles: [...store.files.values()].filter((f) => store.isTrashed(f)).length,
        versions: [...store.files.values()].reduce((s, f) => s + f.versions.length, 0),
        collaborations: store.collabs.size,
        webhooks: store.webhooks.size,
        enterpriseEvents: store.events.enterprise.length,
        userEvents: store.events.user.length,
        streamPosition: (STREAM_BASE + BigInt(store.events.enterprise.length)).toString(),
        faults: deps.faults.list().length,
        apps: deps.oauth.apps.map((a) => ({ clientId: a.clientId, kind: a.kind })),
      };
    },
    authorize: (input) => controlAuthorize(deps, input),
    requests: (filter) => deps.requestLog.entries(filter),
    clearRequests: () => deps.requestLog.clear(),
    flushWebhooks: () => deps.webhooks.flush(),
    webhooksIdle: () => deps.webhooks.idle(),
    webhookDeliveries: () => [...deps.webhooks.deliveries],
  };
}
