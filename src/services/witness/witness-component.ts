/**
 * Composition of the witness: its key, its store (own database or own schema), the ledger source
 * it reads, and its loop. Built in-process by the all-in-one runtime (runtime/services.ts) and
 * alone by `auditor serve witness` (runtime/witness-process.ts).
 */
import type { Cosigner } from '../../ledger/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logging.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { WatchedLog, WitnessLedgerSource } from './ledger-source.ts';
import type { WitnessClient } from './witness-client.ts';
import type { WitnessDatabase } from './witness-database.ts';
import { loadWitnessCosigner } from './witness-keys.ts';
import { createWitness, type Witness } from './witness-service.ts';
import { createWitnessStore, type WitnessStore } from './witness-store.ts';

export interface WitnessComponent {
  witness: Witness;
  client: WitnessClient;
  store(): Promise<WitnessStore>;
  start(): void;
  /** Stops the loop (waiting for a pass in progress) and closes the witness's own database. */
  stop(): Promise<void>;
}

export function createWitnessComponent<L extends WatchedLog>(d: {
  config: Config;
  dataDir: string;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  database: WitnessDatabase;
  source: WitnessLedgerSource<L>;
}): WitnessComponent {
  let store: WitnessStore | undefined;
  let cosigner: Cosigner | undefined;
  const getStore = async () => (store ??= createWitnessStore(await d.database.get()));
  const witness = createWitness({
    store: getStore,
    source: d.source,
    // Loaded when first needed: offline CLI commands build every component but never run the
    // witness, and must not require its key (which lives in the witness's trust domain).
    cosigner: () => (cosigner ??= loadWitnessCosigner(d.config, d.dataDir)),
    clock: d.clock,
    log: d.log,
    metrics: d.metrics,
    intervalMs: d.config.AUDITOR_WITNESS_INTERVAL,
  });
  let started = false;
  return {
    witness,
    client: witness.client,
    store: getStore,
    start() {
      // A witness that is to run needs its key now: a missing key stops start-up, loudly.
      cosigner ??= loadWitnessCosigner(d.config, d.dataDir);
      started = true;
      witness.job.start();
    },
    async stop() {
      if (started) await witness.job.stop();
      started = false;
      await d.database.close();
    },
  };
}
