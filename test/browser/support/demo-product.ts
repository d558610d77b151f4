/**
 * The product as the browser tests drive it: the web app built, the local Box with the demo
 * enterprise, and the all-in-one server on a real port with its background work on (baselines,
 * checkpoints and cosignatures every second), reaching the local Box through the same client code
 * as real Box.
 */
import { type RunningBoxEmulator, startBoxEmulator } from '../../../box-emulator/index.ts';
import { ensureWebBuilt } from '../../../scripts/web-build.ts';
import type { ConfigKey } from '../../../src/platform/config.ts';
import { localBoxSettings } from '../../../src/runtime/demo.ts';
import { freePort } from '../../support/pg-cluster.ts';
import { startTestApp, type TestApp } from '../../support/test-app.ts';

export interface DemoProduct {
  box: RunningBoxEmulator;
  app: TestApp;
  stop(): Promise<void>;
}

export async function startDemoProduct(env: Partial<Record<ConfigKey, string>> = {}): Promise<DemoProduct> {
  ensureWebBuilt({ quiet: true });
  const box = await startBoxEmulator({ demo: true, seed: 1 });
  const port = await freePort();
  const app = await startTestApp({
    background: true,
    env: {
      PORT: String(port),
      AUDITOR_PUBLIC_URL: `http://127.0.0.1:${port}`,
      AUDITOR_CHECKPOINT_INTERVAL: '1s',
      AUDITOR_WITNESS_INTERVAL: '1s',
      ...env,
    },
    box: {
      settings: localBoxSettings(box, { callsPerMinute: 100_000, timeoutMs: 10_000, maxRetryWaitMs: 5_000 }),
    },
  });
  return {
    box,
    app,
    async stop() {
      await app.stop();
      await box.close();
    },
  };
}
