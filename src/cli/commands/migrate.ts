/** `auditor migrate up|down|status [--service S] [--to V]`. */
import type { Command } from 'commander';
import { migrationSetsFor } from '../../migration-sets.ts';
import { migrateDown, migrateUp, migrationStatus } from '../../platform/db/migrator.ts';
import { ensureServiceRole } from '../../platform/db/service-roles.ts';
import { cliConfig, runningServerSocket, viaServer, withDatabase } from '../local-runtime.ts';
import { fail, printJson, printTable } from '../output.ts';

interface Opts {
  service?: string[];
  to?: string;
  json?: boolean;
}

function target(opts: Opts): number | undefined {
  if (opts.to === undefined) return undefined;
  if (!/^\d+$/.test(opts.to)) fail('--to must be a version number');
  return Number(opts.to);
}

function configForWrites() {
  const config = cliConfig({ AUDITOR_AUTO_MIGRATE: 'false' });
  if (runningServerSocket(config))
    fail('a server is running on this data directory; stop it before migrating the embedded database');
  return config;
}

export function registerMigrate(program: Command): void {
  const migrate = program.command('migrate').description('apply, revert or show database migrations');
  const common = (c: Command) =>
    c
      .option('--service <name...>', 'only these services (identity, audit, file, event, verification)')
      .option('--to <version>', 'target version')
      .option('--json', 'machine-readable output');

  common(migrate.command('up').description('apply pending migrations')).action(async (opts: Opts) => {
    await withDatabase(configForWrites(), async (pool) => {
      for (const set of migrationSetsFor(opts.service)) {
        const applied = await migrateUp(pool.db, set, target(opts), (l) => !opts.json && console.log(l));
        if (pool.kind === 'postgres') await ensureServiceRole(pool.db, set.service, set.schema);
        if (opts.json) printJson({ service: set.service, applied });
      }
    });
  });

  common(
    migrate.command('down').description('revert one migration per service, or every migration above --to'),
  ).action(async (opts: Opts) => {
    await withDatabase(configForWrites(), async (pool) => {
      // Revert in reverse order of the services.
      for (const set of [...migrationSetsFor(opts.service)].reverse()) {
        const reverted = await migrateDown(pool.db, set, target(opts), (l) => !opts.json && console.log(l));
        if (opts.json) printJson({ service: set.service, reverted });
      }
    });
  });

  common(migrate.command('status').description('show applied and pending migrations')).action(
    async (opts: Opts) => {
      const config = cliConfig({ AUDITOR_AUTO_MIGRATE: 'false' });
      const sets = migrationSetsFor(opts.service);
      const statuses =
        (await viaServer<Awaited<ReturnType<typeof migrationStatus>>>(config, 'migrate.status', {})) ??
        (await withDatabase(config, (pool) => migrationStatus(pool.db, sets)));
      const shown = statuses.filter((s) => sets.some((m) => m.service === s.service));
      if (opts.json) printJson(shown);
      else
        printTable(
          shown.map((s) => ({
            service: s.service,
            schema: s.schema,
            applied: s.applied.join(' '),
            pending: s.pending.join(' '),
            current: s.current,
          })),
        );
    },
  );
}
