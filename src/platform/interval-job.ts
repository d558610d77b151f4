/**
 * A background loop: runs `tick` every `intervalMs` (immediately again when it reports more work),
 * never two ticks at once, logs failures and keeps going, and stops cleanly (waiting for a tick in
 * progress) on shutdown.
 */
import type { Logger } from './logging.ts';
import type { BackgroundJob } from './module-kit.ts';

export function createIntervalJob(
  name: string,
  intervalMs: number,
  tick: (signal: AbortSignal) => Promise<unknown>,
  logger: Logger,
): BackgroundJob & { runNow(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let controller = new AbortController();

  const run = (): Promise<void> => {
    running ??= (async () => {
      let more = false;
      try {
        more = Boolean(await tick(controller.signal));
      } catch (err) {
        logger.warn({ job: name, err: (err as Error).message }, 'background job failed; will retry');
      } finally {
        running = undefined;
        if (!stopped) {
          timer = setTimeout(run, more ? 0 : intervalMs);
          timer.unref?.();
        }
      }
    })();
    return running;
  };

  return {
    name,
    start() {
      if (!stopped) return;
      stopped = false;
      controller = new AbortController();
      timer = setTimeout(run, 0);
      timer.unref?.();
    },
    async stop() {
      stopped = true;
      controller.abort();
      if (timer) clearTimeout(timer);
      await running;
    },
    runNow: run,
  };
}
