/**
 * The all-in-one product for the API benchmark, in its own process (so its RSS is its own): the
 * bench product (`startBenchProduct`: background work off, rate limits raised) on `--database URL`
 * with the local Box's settings (`--box JSON`). Prints one JSON line `{ url, pid }`; stops on SIGTERM.
 *
 *   node --import tsx bench/api/server-process.ts --database postgres://… --box '{…}'
 */
import { parseArgs } from 'node:util';
import type { BoxSettings } from '../../src/box/box-connector.ts';
import { startBenchProduct } from '../support.ts';

const { values } = parseArgs({
  options: { database: { type: 'string' }, box: { type: 'string' } },
});
if (!values.database || !values.box) throw new Error('--database and --box are required');
const running = await startBenchProduct(values.database, JSON.parse(values.box) as BoxSettings);
process.stdout.write(`${JSON.stringify({ url: running.url, pid: process.pid })}\n`);
const stop = async () => {
  await running.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
