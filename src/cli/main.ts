/** The `auditor` command line (product.md §6, F8). */
import { Command } from 'commander';
import { ConfigError, renderConfigDocs } from '../platform/config.ts';
import { registerAdmin } from './commands/admin.ts';
import { registerBackup } from './commands/backup.ts';
import { registerBoxEmulator } from './commands/box-emulator.ts';
import { registerDb } from './commands/db.ts';
import { registerDeploy } from './commands/deploy.ts';
import { registerEvents } from './commands/events.ts';
import { registerKeys } from './commands/keys.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerOps } from './commands/ops.ts';
import { registerServe } from './commands/serve.ts';
import { registerVerifyBundle } from './commands/verify-bundle.ts';
import { registerVerifyFiles } from './commands/verify-files.ts';
import { registerVerifyLog } from './commands/verify-log.ts';
import { registerVerifyReconcile } from './commands/verify-reconcile.ts';

const program = new Command('auditor')
  .description('Auditor for Box: a tamper-evident audit trail for Box')
  .showHelpAfterError();

registerServe(program);
registerMigrate(program);
registerKeys(program);
registerBoxEmulator(program);
registerAdmin(program);
registerEvents(program);
registerDb(program);
registerBackup(program);
registerOps(program);
registerDeploy(program);
registerVerifyLog(program);
registerVerifyFiles(program);
registerVerifyReconcile(program);
registerVerifyBundle(program);
program
  .command('config')
  .description('configuration reference')
  .command('docs')
  .description('print the configuration reference (docs/configuration.md) as Markdown')
  .action(() => console.log(renderConfigDocs()));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
