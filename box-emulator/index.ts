import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ActivityGenerator } from './activity.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Deps } from './context.ts';
import { createControls, type EmulatorControls } from './controls.ts';
import { seedDemo } from './demo-seed.ts';
import { Faults } from './faults.ts';
import { OAuthService, randomToken } from './oauth.ts';
import type { BoxAppConfig, BoxEmulatorOptions } from './options.ts';
import { AutoSaver, loadState } from './persistence.ts';
import { RequestLog } from './request-log.ts';
import { buildServer } from './server.ts';
import { EmulatorState } from './state-api.ts';
import { BoxStore } from './store.ts';
import type { UserRec } from './types.ts';
import { createUser, serviceAccountFor } from './users.ts';
import { WebhookDelivery } from './webhook-delivery.ts';

export type { Clock } from './clock.ts';
export { boxTime, ManualClock, systemClock } from './clock.ts';
export type { EmulatorControls } from './controls.ts';
export type { FaultSpec } from './faults.ts';
export type { BoxAppConfig, BoxEmulatorOptions } from './options.ts';
export type { RequestLogEntry } from './request-log.ts';
export type { EmulatorState } from './state-api.ts';
export type { TamperAction } from './tamper.ts';
export { signWebhook } from './webhook-delivery.ts';

export interface BoxEmulator {
  /** The Fastify app (not yet listening). */
  app: FastifyInstance;
  /** Registered apps, with their (generated) secrets: configure the product with these. */
  apps: BoxAppConfig[];
  enterprise: { id: string; name: string };
  state: EmulatorState;
  controls: EmulatorControls;
  clock: Clock;
  /** The CCG app's service account user. */
  serviceAccount(clientId?: string): UserRec;
  /** Base URL for Location headers; set by startBoxEmulator, or derived from the listening address. */
  setPublicUrl(url: string): void;
  publicUrl(): string;
  /** Stops timers, saves state (statePath), closes the server. */
  close(): Promise<void>;
}

export interface RunningBoxEmulator {
  url: string;
  /** For the SDK's BaseUrls: baseUrl, uploadUrl (`<url>/api`), oauth2Url (`<url>/api/oauth2`). */
  baseUrls: { baseUrl: string; uploadUrl: string; oauth2Url: string };
  emulator: BoxEmulator;
  close(): Promise<void>;
}

const DEFAULT_SCOPES: Record<BoxAppConfig['kind'], string[]> = {
  oauth: ['root_readwrite', 'manage_webhook'],
  ccg: ['root_readwrite', 'manage_enterprise_properties', 'manage_managed_users', 'manage_webhook'],
};

function defaultApps(enterpriseId: string): BoxAppConfig[] {
  const keys = () => ({ webhookPrimaryKey: randomToken(32), webhookSecondaryKey: randomToken(32) });
  return [
    {
      clientId: randomToken(32).toLowerCase(),
      clientSecret: randomToken(32),
      kind: 'oauth',
      redirectUris: [],
      canActAsUser: false,
      scopes: DEFAULT_SCOPES.oauth,
      enterpriseId,
      ...keys(),
    },
    {
      clientId: randomToken(32).toLowerCase(),
      clientSecret: randomToken(32),
      kind: 'ccg',
      canActAsUser: true,
      scopes: DEFAULT_SCOPES.ccg,
      enterpriseId,
      ...keys(),
    },
  ];
}

function freshStore(clock: Clock, seed: number, demo: boolean): BoxStore {
  const store = new BoxStore(clock, seed);
  if (demo) {
    seedDemo(store);
  } else {
    store.enterprise = { id: store.nextId('enterprise'), name: 'Local Enterprise' };
    createUser(
      store,
      { login: 'admin@example.com', name: 'Enterprise Admin', role: 'admin', jobTitle: 'Administrator' },
      clock.now().getTime(),
    );
  }
  return store;
}

/** Builds the local Box: state (seeded or loaded), apps, Fastify routes and controls. Not listening yet. */
export function createBoxEmulator(options: BoxEmulatorOptions = {}): BoxEmulator {
  const clock = options.clock ?? systemClock;
  const demo = options.demo ?? true;
  const store =
    (options.statePath ? loadState(options.statePath, clock) : undefined) ??
    freshStore(clock, options.seed ?? 1, demo);
  let apps: BoxAppConfig[];
  if (options.apps)
    apps = options.apps.map((a) => ({
      ...a,
      scopes: a.scopes ?? DEFAULT_SCOPES[a.kind],
      enterpriseId: a.enterpriseId ?? store.enterprise.id,
    }));
  else if (store.generatedApps.length > 0) apps = store.generatedApps as unknown as BoxAppConfig[];
  else {
    apps = defaultApps(store.enterprise.id);
    store.generatedApps = apps as never;
  }
  apps.forEach((a, i) => {
    if (a.kind === 'ccg') serviceAccountFor(store, a.clientId, i);
  });

  let publicUrl = options.publicUrl?.replace(/\/$/, '');
  const oauth = new OAuthService(store, apps, demo);
  const webhooks = new WebhookDelivery(store, () => apps);
  const deps: Deps = {
    store,
    clock,
    oauth,
    faults: new Faults(),
    requestLog: new RequestLog(),
    webhooks,
    demo,
    downloads: new Map(),
    serviceAccountOf: (app) => serviceAccountFor(store, app.clientId, apps.indexOf(app)),
    publicUrl: () => {
      if (publicUrl) return publicUrl;
      const address = app.server.address() as AddressInfo | null;
      return address
        ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`
        : 'http://127.0.0.1';
    },
  };
  const controls = createControls(deps);
  const app = buildServer(deps, controls, options.logger ?? false);
  const activity = new ActivityGenerator(store, options.activity?.eventsPerMinute ?? 0);
  activity.start();
  const saver = options.statePath ? new AutoSaver(store, options.statePath) : undefined;
  saver?.start();
  const admin = () => [...store.users.values()].find((u) => u.role === 'admin' && u.kind === 'managed')!;
  let closed = false;

  return {
    app,
    apps,
    enterprise: store.enterprise,
    state: new EmulatorState(store, admin),
    controls,
    clock,
    serviceAccount(clientId) {
      const app = apps.find((a) => a.kind === 'ccg' && (!clientId || a.clientId === clientId));
      if (!app) throw new Error('no CCG app registered');
      return deps.serviceAccountOf(app);
    },
    setPublicUrl: (url) => {
      publicUrl = url.replace(/\/$/, '');
    },
    publicUrl: () => deps.publicUrl(),
    async close() {
      if (closed) return;
      closed = true;
      activity.stop();
      webhooks.stop();
      saver?.stop();
      await app.close();
    },
  };
}

/** Creates the local Box and listens (default 127.0.0.1, a free port). */
export async function startBoxEmulator(
  options: BoxEmulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningBoxEmulator> {
  const emulator = createBoxEmulator(options);
  const host = options.host ?? '127.0.0.1';
  await emulator.app.listen({ port: options.port ?? 0, host });
  const { port } = emulator.app.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!options.publicUrl) emulator.setPublicUrl(url);
  const base = emulator.publicUrl();
  return {
    url,
    baseUrls: { baseUrl: base, uploadUrl: `${base}/api`, oauth2Url: `${base}/api/oauth2` },
    emulator,
    close: () => emulator.close(),
  };
}
