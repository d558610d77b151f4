/** `auditor admin bootstrap|token`: first organisation and admin; API tokens for operators. */
import type { Command } from 'commander';
import { cliConfig, viaServer } from '../local-runtime.ts';
import { withOfflineServices } from '../offline-services.ts';
import { fail } from '../output.ts';

async function run<T>(command: 'admin.bootstrap' | 'admin.token', args: Record<string, unknown>): Promise<T> {
  const config = cliConfig();
  try {
    const viaSocket = await viaServer<T>(config, command, args);
    if (viaSocket !== undefined) return viaSocket;
    return await withOfflineServices(config, async (s) => {
      const admin = s.identity!.admin;
      return (
        command === 'admin.bootstrap' ? admin.bootstrap(args as never) : admin.token(args as never)
      ) as Promise<T>;
    });
  } catch (err) {
    fail((err as Error).message);
  }
}

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('operator commands');
  admin
    .command('bootstrap')
    .description('create an organisation and its first audit admin (password sign-in)')
    .requiredOption('--org <name>', 'organisation name')
    .requiredOption('--email <email>', 'admin email')
    .requiredOption('--password <password>', 'admin password (12+ characters)')
    .option('--name <name>', 'admin display name')
    .action(async (opts: { org: string; email: string; password: string; name?: string }) => {
      const res = await run<{ organizationId: string; userId: string }>('admin.bootstrap', opts);
      console.log(`organisation ${res.organizationId}`);
      console.log(`audit admin ${res.userId} (${opts.email})`);
    });
  admin
    .command('token')
    .description('mint a personal API token for an existing user; the token alone is on the last line')
    .requiredOption('--email <email>', 'user email')
    .option('--ttl <duration>', 'lifetime, e.g. 30d (default: no expiry)')
    .option('--name <name>', 'token name', 'cli')
    .action(async (opts: { email: string; ttl?: string; name: string }) => {
      const res = await run<{ token: string; scopes: string[]; expiresAt: string | null }>(
        'admin.token',
        opts,
      );
      console.log(`scopes: ${res.scopes.join(', ')}; expires: ${res.expiresAt ?? 'never'}`);
      console.log(res.token);
    });
}
