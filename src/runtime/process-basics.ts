/** What every process sets up first: logger, tracing, metrics, the maintenance switch. */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { DestinationStream } from 'pino';
import { type Clock, systemClock } from '../platform/clock.ts';
import { type Config, publicUrl } from '../platform/config.ts';
import { createLogger, type Logger } from '../platform/logging.ts';
import { createMetrics, type Metrics } from '../platform/metrics.ts';
import { type ComponentName, PROCESS_NAMES } from '../platform/service-names.ts';
import { initTracing } from '../platform/tracing.ts';

export interface ProcessBasics {
  config: Config;
  clock: Clock;
  /** Root logger without a service name; each service logs through a child naming itself. */
  rootLogger: Logger;
  logger: Logger;
  metrics: Metrics;
  dataDir: string;
  maintenance: { enabled(): boolean; set(on: boolean): void };
  serviceSecret: string;
  publicUrl: string;
}

export interface BasicsOptions {
  config: Config;
  components: ComponentName[];
  processName: string;
  clock?: Clock | undefined;
  logDestination?: DestinationStream | undefined;
  /** Actual listening port, when PORT was 0 and no public URL is configured. */
  port?: number | undefined;
}

export function createProcessBasics(o: BasicsOptions): ProcessBasics {
  const rootLogger = createLogger({ level: o.config.LOG_LEVEL, destination: o.logDestination });
  const logger = rootLogger.child({ service: o.processName });
  initTracing({ serviceName: o.processName, otlpEndpoint: o.config.OTEL_EXPORTER_OTLP_ENDPOINT });
  let maintenance = o.config.AUDITOR_MAINTENANCE_MODE;
  return {
    config: o.config,
    clock: o.clock ?? systemClock,
    rootLogger,
    logger,
    metrics: createMetrics(o.components),
    dataDir: resolve(o.config.AUDITOR_DATA_DIR),
    maintenance: {
      enabled: () => maintenance,
      set: (on) => {
        maintenance = on;
        logger.warn(
          { maintenance: on },
          on ? 'maintenance mode on: writes answer 503' : 'maintenance mode off',
        );
      },
    },
    // All-in-one processes call nobody over HTTP; a random secret keeps the internal routes closed.
    serviceSecret: o.config.AUDITOR_SERVICE_SECRET ?? randomBytes(32).toString('base64url'),
    publicUrl: publicUrl(o.config, o.port),
  };
}

export const processNameOf = (component: ComponentName): string => PROCESS_NAMES[component];
