/**
 * Runs the local Box on its own:
 *   node --import tsx box-emulator/main.ts [--port 8787] [--host 127.0.0.1] [--seed 1] [--state data/box.json]
 *                                          [--no-demo] [--activity 6] [--public-url http://…] [--log]
 * Prints the URL, the SDK base URLs and the generated app credentials (local development only).
 */
import { parseArgs } from 'node:util';
import { startBoxEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string', default: '1' },
    state: { type: 'string' },
    'no-demo': { type: 'boolean', default: false },
    activity: { type: 'string', default: '0' },
    'public-url': { type: 'string' },
    log: { type: 'boolean', default: false },
  },
});

const running = await startBoxEmulator({
  port: Number(values.port),
  host: values.host,
  seed: Number(values.seed),
  demo: !values['no-demo'],
  activity: { eventsPerMinute: Number(values.activity) },
  logger: values.log,
  ...(values.state ? { statePath: values.state } : {}),
  ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
});

process.stdout.write(
  `${JSON.stringify({ url: running.url, baseUrls: running.baseUrls, enterprise: running.emulator.enterprise, apps: running.emulator.apps }, null, 2)}\n`,
);

const stop = async (): Promise<void> => {
  await running.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
