/**
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting connections and let in-flight requests finish,
 * stop background work and flush the outbox, close the database, all within the grace period; past it
 * the process exits anyway (Kubernetes would kill it at terminationGracePeriodSeconds).
 */
import type { Logger } from '../platform/logging.ts';

export function onShutdownSignals(close: () => Promise<void>, graceMs: number, logger: Logger): () => void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.info({ signal, grace_ms: graceMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, graceMs + 5000);
    timer.unref();
    close()
      .then(() => {
        logger.info('shut down cleanly');
        logger.flush?.();
        setTimeout(() => process.exit(0), 50).unref();
      })
      .catch((err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
