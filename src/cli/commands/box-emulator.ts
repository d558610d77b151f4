/**
 * `auditor box-emulator --port N`: the local Box on its own (development and demos; refused in
 * production). Prints its URL, the SDK base URLs and the generated app credentials.
 */
import type { Command } from 'commander';
import { cliConfig } from '../local-runtime.ts';
import { fail } from '../output.ts';

export function registerBoxEmulator(program: Command): void {
  program
    .command('box-emulator')
    .description('run the local Box (a Box-compatible server with a demo enterprise) on its own')
    .option('--port <n>', 'port', '8787')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated enterprise', '1')
    .option('--state <file>', 'keep the state in this JSON file across restarts')
    .option('--no-demo', 'an empty enterprise instead of the demo one')
    .option('--activity <n>', 'generated events per minute', '0')
    .action(
      async (opts: {
        port: string;
        host: string;
        seed: string;
        state?: string;
        demo: boolean;
        activity: string;
      }) => {
        if (cliConfig().NODE_ENV === 'production')
          fail('the local Box is for development and demos, not production');
        const { startBoxEmulator } = await import('../../../box-emulator/index.ts');
        const running = await startBoxEmulator({
          port: Number(opts.port),
          host: opts.host,
          seed: Number(opts.seed),
          demo: opts.demo,
          activity: { eventsPerMinute: Number(opts.activity) },
          ...(opts.state ? { statePath: opts.state } : {}),
        });
        process.stdout.write(
          `${JSON.stringify({ url: running.url, baseUrls: running.baseUrls, enterprise: running.emulator.enterprise, apps: running.emulator.apps }, null, 2)}\n`,
        );
        const stop = async () => {
          await running.close();
          process.exit(0);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );
}
