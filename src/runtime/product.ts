/**
 * `auditor serve` without a service name: the whole product in one process. With --demo it first
 * starts the local Box with the demo enterprise and points the product at it (see demo.ts).
 */
import type { Config } from '../platform/config.ts';
import { startAllInOne } from './all-in-one.ts';
import { bootstrapDemo, DEMO_ACCOUNTS, type DemoBox, startDemoBox } from './demo.ts';
import { createProcessBasics } from './process-basics.ts';

export async function startProduct(config: Config): Promise<void> {
  let demo: DemoBox | undefined;
  if (config.AUDITOR_DEMO) {
    const dataDir = createProcessBasics({
      config: { ...config, LOG_LEVEL: 'silent' },
      components: [],
      processName: 'gateway',
    }).dataDir;
    demo = await startDemoBox(config, dataDir, config.PORT);
  }
  const running = await startAllInOne({
    config,
    handleSignals: true,
    ...(demo ? { box: { settings: demo.settings }, onClosed: () => demo!.box.close() } : {}),
  });
  if (demo) await bootstrapDemo(demo, running.services, running.platform.publicUrl, running.platform.logger);
  const lines = [
    '',
    `  Auditor for Box is running at ${running.platform.publicUrl}`,
    `  API documentation: ${running.platform.publicUrl}/docs`,
    `  Database: ${running.platform.pool.kind === 'pglite' ? `embedded (${running.platform.dataDir})` : 'PostgreSQL'}`,
  ];
  if (demo) {
    lines.push(
      `  Local Box (demo enterprise "${demo.box.emulator.enterprise.name}"): ${demo.box.url}`,
      '',
      '  Demo sign-ins:',
      `    ${DEMO_ACCOUNTS.admin}   audit admin — "Sign in with Box", pick Demo Admin`,
      `    ${DEMO_ACCOUNTS.user}    general user — "Sign in with Box", pick Demo User`,
      `    ${DEMO_ACCOUNTS.auditor} external auditor — password: ${DEMO_ACCOUNTS.auditorPassword}`,
      '',
      `  API token for the admin:  npx auditor admin token --email ${DEMO_ACCOUNTS.admin}`,
    );
  }
  lines.push('  Press Ctrl-C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}
