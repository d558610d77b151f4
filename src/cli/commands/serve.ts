/** `auditor serve [service]`: the all-in-one product, or one service / the gateway / the witness. */
import type { Command } from 'commander';
import { cliConfig } from '../local-runtime.ts';
import { fail } from '../output.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'run the product: all services in one process, or one named service (identity, audit, file, event, verification, gateway)',
    )
    .argument('[service]', 'one service to run alone (distributed mode)')
    .option('--port <n>', 'HTTP port (PORT)')
    .option('--host <address>', 'address to listen on (AUDITOR_HOST)')
    .option('--data-dir <dir>', 'data directory (AUDITOR_DATA_DIR)')
    .option('--demo', 'start the local Box with the demo enterprise (AUDITOR_DEMO)')
    .action(
      async (
        service: string | undefined,
        opts: { port?: string; host?: string; dataDir?: string; demo?: boolean },
      ) => {
        const config = cliConfig({
          ...(opts.port !== undefined ? { PORT: opts.port } : {}),
          ...(opts.host ? { AUDITOR_HOST: opts.host } : {}),
          ...(opts.dataDir ? { AUDITOR_DATA_DIR: opts.dataDir } : {}),
          ...(opts.demo ? { AUDITOR_DEMO: 'true' } : {}),
        });
        try {
          if (!service || service === 'all') {
            const { startProduct } = await import('../../runtime/product.ts');
            await startProduct(config);
            return;
          }
          const { startDistributedProcess } = await import('../../runtime/distributed.ts');
          await startDistributedProcess(service, config);
        } catch (err) {
          fail((err as Error).message);
        }
      },
    );
}
