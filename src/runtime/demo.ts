/**
 * Demo mode (`auditor serve --demo`, used by `npm start`): starts the local Box with the seeded demo
 * enterprise (state kept under the data directory, so a restart keeps it), points the product at it,
 * signs the Box enterprise admin in at once (so operators can mint tokens for admin@demo.example), and
 * creates the demo external auditor. Nothing here runs without --demo, and --demo is refused in
 * production.
 */
import { join } from 'node:path';
import { type RunningBoxEmulator, startBoxEmulator } from '../../box-emulator/index.ts';
import type { BoxSettings } from '../box/box-connector.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/logging.ts';
import { pkcePair } from '../services/identity/box-sign-in.ts';
import type { Services } from './services.ts';

export const DEMO_ACCOUNTS = {
  admin: 'admin@demo.example',
  user: 'user@demo.example',
  auditor: 'auditor@demo.example',
  /** Shown in the README: a demo account, not a secret. */
  auditorPassword: 'demo-auditor-password',
} as const;

export interface DemoBox {
  box: RunningBoxEmulator;
  settings: BoxSettings;
  webhookKeys: { primary?: string | undefined; secondary?: string | undefined };
}

export async function startDemoBox(config: Config, dataDir: string, listeningPort: number): Promise<DemoBox> {
  const port = config.AUDITOR_DEMO_BOX_PORT || (listeningPort ? listeningPort + 1 : 0);
  const box = await startBoxEmulator({
    demo: true,
    seed: 1,
    port,
    host: '127.0.0.1',
    statePath: join(dataDir, 'box-emulator.json'),
    activity: { eventsPerMinute: 6 },
  });
  const ccg = box.emulator.apps.find((a) => a.kind === 'ccg');
  return {
    box,
    settings: localBoxSettings(box, {
      callsPerMinute: config.BOX_CALLS_PER_MINUTE,
      timeoutMs: config.BOX_REQUEST_TIMEOUT,
      maxRetryWaitMs: config.BOX_MAX_RETRY_WAIT,
    }),
    webhookKeys: { primary: ccg?.webhookPrimaryKey, secondary: ccg?.webhookSecondaryKey },
  };
}

/**
 * Settings pointing the product at a running local Box: its base URLs, its OAuth and CCG apps, and the
 * CCG app's webhook keys (the product's server-side webhooks are the CCG app's).
 */
export function localBoxSettings(
  box: RunningBoxEmulator,
  limits: Pick<BoxSettings, 'callsPerMinute' | 'timeoutMs' | 'maxRetryWaitMs'>,
): BoxSettings {
  const oauth = box.emulator.apps.find((a) => a.kind === 'oauth');
  const ccg = box.emulator.apps.find((a) => a.kind === 'ccg');
  return {
    baseUrls: box.baseUrls,
    oauth: oauth ? { clientId: oauth.clientId, clientSecret: oauth.clientSecret } : undefined,
    ccg: ccg ? { clientId: ccg.clientId, clientSecret: ccg.clientSecret } : undefined,
    // The webhook receiver reads its keys from the settings: without them every delivery is refused.
    webhookKeys: { primary: ccg?.webhookPrimaryKey, secondary: ccg?.webhookSecondaryKey },
    ...limits,
  };
}

/** Signs the demo admin in through the normal code exchange and creates the demo auditor. */
export async function bootstrapDemo(
  demo: DemoBox,
  services: Services,
  publicUrl: string,
  logger: Logger,
): Promise<void> {
  const identity = services.identity!;
  const oauth = demo.box.emulator.apps.find((a) => a.kind === 'oauth')!;
  const { verifier, challenge } = pkcePair();
  const { code } = demo.box.emulator.controls.authorize({
    clientId: oauth.clientId,
    login: DEMO_ACCOUNTS.admin,
    redirectUri: `${publicUrl}/api/v1/auth/box/callback`,
    codeChallenge: challenge,
  });
  const admin = await identity.boxSignIn.signInWithCode({ code, codeVerifier: verifier });
  const existing = await identity.deps.users.userByEmail(identity.deps.db, DEMO_ACCOUNTS.auditor);
  if (!existing) {
    await identity.admin.createExternalAuditor(admin, {
      email: DEMO_ACCOUNTS.auditor,
      name: 'Demo Auditor',
      auditorFirm: 'Demo Audit LLP',
      password: DEMO_ACCOUNTS.auditorPassword,
    });
  }
  logger.info({ admin: DEMO_ACCOUNTS.admin }, 'demo enterprise ready; the demo admin is signed in');
}
