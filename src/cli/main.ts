/** The `auditor` command line (product.md §6, F8). */
import { Command } from 'commander';
import { ConfigError, renderConfigDocs } from '../platform/config.ts';
import { registerAdmin } from './commands/admin.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerServe } from './commands/serve.ts';

const program = new Command('auditor')
  .description('Auditor for Box: a tamper-evident audit trail for Box')
  .showHelpAfterError();

registerServe(program);
registerMigrate(program);
registerAdmin(program);
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
