/**
 * `auditor serve` without a service name: the whole product in one process. With --demo it also
 * starts the local Box with the demo enterprise and points the product at it (see demo.ts).
 */
import type { Config } from '../platform/config.ts';
import { startAllInOne } from './all-in-one.ts';

export async function startProduct(config: Config): Promise<void> {
  const running = await startAllInOne({ config, handleSignals: true });
  const lines = [
    '',
    `  Auditor for Box is running at ${running.url}`,
    `  API documentation: ${running.url}/docs`,
    `  Database: ${running.platform.pool.kind === 'pglite' ? `embedded (${running.platform.dataDir})` : 'PostgreSQL'}`,
    '  Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
