/** `auditor backup create|verify|restore` (plan §6; docs/operations.md "Backup and restore"). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  createBackup,
  locateBackup,
  reapplyServiceRoles,
  restoreBackup,
  verifyBackup,
} from '../../ops/backup.ts';
import { copyToDestination } from '../../ops/backup-destination.ts';
import { primaryUrl } from '../../ops/pg-tools.ts';
import { pushGauges } from '../../ops/pushgateway.ts';
import type { Config } from '../../platform/config.ts';
import { openDatabase } from '../../platform/db/database.ts';
import { loadLedgerSigner } from '../../services/verification/ledger-keys.ts';
import { cliConfig } from '../local-runtime.ts';
import { fail, printJson } from '../output.ts';

export const BACKUP_JOB = 'auditor-backup';

function postgresOnly(config: Config): string {
  if (!config.DATABASE_URL)
    fail(
      'backups need PostgreSQL (DATABASE_URL): the embedded database has no pg_dump. Stop the server and copy ' +
        `${resolve(config.AUDITOR_DATA_DIR, 'pglite')} instead, or move to PostgreSQL.`,
      2,
    );
  return config.DATABASE_URL;
}

export function registerBackup(program: Command): void {
  const backup = program
    .command('backup')
    .description('logical backups: create, verify (restore + ledger audit), restore');

  backup
    .command('create')
    .description(
      'pg_dump of every schema of ours from one snapshot, with a manifest (row counts, latest checkpoints)',
    )
    .option('--dir <dir>', 'where to write (AUDITOR_BACKUP_DIR)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { dir?: string; json?: boolean }) => {
      const config = cliConfig();
      const url = postgresOnly(config);
      try {
        const { files, manifest } = await createBackup(
          await primaryUrl(url),
          opts.dir ?? config.AUDITOR_BACKUP_DIR,
        );
        if (opts.json)
          printJson({ files, manifest: { ...manifest, checkpoints: manifest.checkpoints.length } });
        else {
          console.log(`backup ${files.dump} (${manifest.bytes} bytes, sha256 ${manifest.sha256})`);
          console.log(
            `manifest ${files.manifest}: ${Object.keys(manifest.rowCounts).length} tables, ${manifest.checkpoints.length} ledger checkpoints`,
          );
        }
      } catch (err) {
        fail((err as Error).message);
      }
    });

  backup
    .command('verify')
    .description(
      'restore a backup into a scratch database and run the full ledger audit on it; pushes the last good backup time',
    )
    .argument('[path]', 'backup (.dump or .json) or directory (newest backup); default AUDITOR_BACKUP_DIR')
    .option('--scratch-url <url>', 'scratch database, emptied first (AUDITOR_BACKUP_SCRATCH_DATABASE_URL)')
    .option(
      '--log-key <vkey>',
      "the log's C2SP verifier key (AUDITOR_LEDGER_VERIFIER_KEY, else from the ledger signing key)",
    )
    .option('--no-push', 'do not push auditor_backup_last_success_timestamp_seconds')
    .option('--no-copy', 'do not copy the verified backup to AUDITOR_BACKUP_DESTINATION')
    .option('--json', 'machine-readable output')
    .action(
      async (
        path: string | undefined,
        opts: { scratchUrl?: string; logKey?: string; push: boolean; copy: boolean; json?: boolean },
      ) => {
        const config = cliConfig();
        const scratchUrl = opts.scratchUrl ?? config.AUDITOR_BACKUP_SCRATCH_DATABASE_URL;
        if (!scratchUrl)
          fail(
            'give --scratch-url or AUDITOR_BACKUP_SCRATCH_DATABASE_URL (a database that may be emptied)',
            2,
          );
        let result: Awaited<ReturnType<typeof verifyBackup>>;
        let backupFiles: string[];
        try {
          const located = locateBackup(path ?? config.AUDITOR_BACKUP_DIR);
          backupFiles = [located.files.dump, located.files.manifest];
          const logKey =
            opts.logKey ??
            config.AUDITOR_LEDGER_VERIFIER_KEY ??
            loadLedgerSigner(config, resolve(config.AUDITOR_DATA_DIR)).verifierKey;
          result = await verifyBackup(located, { scratchUrl, sourceUrl: config.DATABASE_URL, logKey });
        } catch (err) {
          fail((err as Error).message);
        }
        const copies: string[] = [];
        let pushed = false;
        if (result.ok) {
          try {
            if (opts.copy && config.AUDITOR_BACKUP_DESTINATION)
              copies.push(...(await copyToDestination(backupFiles, config.AUDITOR_BACKUP_DESTINATION)));
            if (opts.push && config.AUDITOR_PUSHGATEWAY_URL) {
              await pushGauges(config.AUDITOR_PUSHGATEWAY_URL, BACKUP_JOB, [
                {
                  name: 'auditor_backup_last_success_timestamp_seconds',
                  help: 'Unix time of the last backup that was created and passed verification.',
                  value: Math.floor(new Date(result.createdAt).getTime() / 1000),
                },
              ]);
              pushed = true;
            }
          } catch (err) {
            fail(`the backup is good but ${(err as Error).message}`);
          }
        }
        const summary = {
          ok: result.ok,
          backup: result.backup,
          createdAt: result.createdAt,
          problems: result.problems,
          logs: result.audits.map((a) => ({
            origin: a.origin,
            ok: a.ok,
            treeSize: a.treeSize,
            checkpointsChecked: a.checkpointsChecked,
          })),
          tables: Object.keys(result.restore.rowCounts).length,
          copies,
          pushed,
        };
        if (opts.json) printJson(summary);
        else {
          for (const l of summary.logs)
            console.log(
              `${l.ok ? 'ok    ' : 'BROKEN'} ${l.origin}: ${l.treeSize} leaves, ${l.checkpointsChecked} checkpoints`,
            );
          if (result.ok)
            console.log(
              `backup ${result.backup} of ${result.createdAt} is good (${summary.tables} tables restored, ledger audit passed)`,
            );
          else {
            console.error(`backup ${result.backup} is BROKEN:`);
            for (const p of result.problems) console.error(`  ${p}`);
          }
          for (const c of copies) console.log(`copied to ${c}`);
          if (pushed)
            console.log(
              `pushed auditor_backup_last_success_timestamp_seconds to ${config.AUDITOR_PUSHGATEWAY_URL}`,
            );
        }
        if (!result.ok) process.exitCode = 1;
      },
    );

  backup
    .command('restore')
    .description('restore a backup into a target database (plan §6.3), then re-apply the service roles')
    .argument('<path>', 'backup (.dump or .json) or directory (newest backup)')
    .requiredOption('--target-url <url>', 'database to restore into')
    .option('--clean', 'drop our schemas in the target first (their data is lost)')
    .option('--json', 'machine-readable output')
    .action(async (path: string, opts: { targetUrl: string; clean?: boolean; json?: boolean }) => {
      const config = cliConfig();
      try {
        const located = locateBackup(path);
        const result = await restoreBackup(located, opts.targetUrl, {
          clean: opts.clean === true,
          sourceUrl: config.DATABASE_URL,
        });
        const pool = await openDatabase({
          url: opts.targetUrl,
          dataDir: '.',
          poolMax: 1,
          connectTimeoutMs: 10_000,
          statementTimeoutMs: 600_000,
          applicationName: 'auditor-restore',
        });
        try {
          await reapplyServiceRoles(pool.db);
        } finally {
          await pool.close();
        }
        if (opts.json) printJson({ ok: result.countMismatches.length === 0, ...result });
        else {
          console.log(
            `restored ${located.files.dump} (${located.manifest.createdAt}): ${Object.keys(result.rowCounts).length} tables`,
          );
          for (const m of result.countMismatches)
            console.error(`  ${m.table}: ${m.restored} rows, the manifest says ${m.expected}`);
          console.log('next: point the services at it and run `auditor verify log`');
        }
        if (result.countMismatches.length > 0) process.exitCode = 1;
      } catch (err) {
        fail((err as Error).message);
      }
    });
}
