/**
 * `auditor verify item --org <id> --file <id> [--set <id>] [--json]` and
 * `auditor verify set --set <id> [--org <id>] [--json]` (product.md F6.4, F6.5, F8): verify a file or
 * every allowed file of an audit set now, as the system (an operator's command). Runs in the server
 * through its admin socket while one holds the embedded database, else here on the database (Box
 * is then reached with this process's configuration).
 *
 * Exit codes: 0 when nothing was TAMPERED or UNVERIFIABLE, 1 when something was TAMPERED, 3 when
 * something could not be verified (and nothing was TAMPERED), 2 for bad arguments.
 */
import type { Command } from 'commander';
import {
  type SetVerificationReport,
  verifyItemArgs,
  verifyItemCommand,
  verifySetArgs,
  verifySetCommand,
} from '../../services/verification/verification-admin.ts';
import type { FileVerificationDto } from '../../services/verification/verification-schemas.ts';
import type { VerificationResult } from '../../services/verification/verification-types.ts';
import { cliConfig, viaServer } from '../local-runtime.ts';
import { withOfflineServices } from '../offline-services.ts';
import { fail, printJson, printTable } from '../output.ts';

/** The shared `verify` group (verify-log.ts registers `log` in it; whoever comes first creates it). */
export function verifyGroup(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'verify') ??
    program.command('verify').description('verify files, audit sets or the whole ledger')
  );
}

export function exitCodeFor(results: VerificationResult[]): number {
  if (results.includes('TAMPERED')) return 1;
  if (results.includes('UNVERIFIABLE')) return 3;
  return 0;
}

function argsOrFail<T>(
  parsed:
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } },
): T {
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  fail(`${issue ? `${String(issue.path[0] ?? '')}: ${issue.message}` : 'invalid arguments'}`, 2);
}

function printItem(v: FileVerificationDto): void {
  printTable([
    { file: v.fileId, name: v.fileName ?? '', result: v.result, verification: v.id, at: v.completedAt },
  ]);
  console.log('');
  for (const r of v.reasons) console.log(`  ${r.code}: ${r.message}`);
  const cp = v.evidence.ledger?.checkpoint;
  if (cp)
    console.log(
      `\n  evidence: ${v.evidence.ledger!.leaves.length} leaves proven against checkpoint ${cp.treeSize}`,
    );
  if (v.nextCheckAt) console.log(`  checked again after ${v.nextCheckAt}`);
}

function printSet(report: SetVerificationReport): void {
  const { run } = report;
  printTable(
    report.files.map((f) => ({
      file: f.fileId,
      name: f.fileName ?? '',
      result: f.result,
      verification: f.id,
    })),
  );
  console.log(`\nset ${run.setId}: ${run.status}, ${run.done} of ${run.total ?? '?'} files`);
  console.log(
    Object.entries(run.counts)
      .map(([result, n]) => `  ${result}: ${n}`)
      .join('\n'),
  );
  for (const t of run.tampered) {
    console.log(`\nTAMPERED ${t.fileId} ${t.fileName ?? ''} (verification ${t.verificationId})`);
    for (const r of t.reasons) console.log(`  ${r.code}: ${r.message}`);
  }
}

export function registerVerifyFiles(program: Command): void {
  const verify = verifyGroup(program);
  verify
    .command('item')
    .description('verify one file now: Box against the ledger (exit 1 when TAMPERED, 3 when unverifiable)')
    .requiredOption('--org <id>', 'organisation id (UUID)')
    .requiredOption('--file <id>', 'Box file id')
    .option('--set <id>', 'verify it as part of this audit set (its baseline is the reference)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { org: string; file: string; set?: string; json?: boolean }) => {
      const args = argsOrFail(
        verifyItemArgs.safeParse({ orgId: opts.org, fileId: opts.file, setId: opts.set }),
      );
      const config = cliConfig();
      let v: FileVerificationDto;
      try {
        v =
          (await viaServer<FileVerificationDto>(config, 'verification.verifyItem', args)) ??
          (await withOfflineServices(config, (s) => verifyItemCommand(s.verification!.verification, args)));
      } catch (err) {
        fail((err as Error).message);
      }
      if (opts.json) printJson(v);
      else printItem(v);
      process.exitCode = exitCodeFor([v.result]);
    });

  verify
    .command('set')
    .description('verify every allowed file of an audit set (exit 1 when any is TAMPERED)')
    .requiredOption('--set <id>', 'audit set id (UUID)')
    .option('--org <id>', 'its organisation (found by itself when left out)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { set: string; org?: string; json?: boolean }) => {
      const args = argsOrFail(verifySetArgs.safeParse({ setId: opts.set, orgId: opts.org }));
      const config = cliConfig();
      const progress = (done: number, total: number | null) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${done} of ${total ?? '?'} files verified`);
      };
      let report: SetVerificationReport;
      try {
        report =
          (await viaServer<SetVerificationReport>(config, 'verification.verifySet', args)) ??
          (await withOfflineServices(config, (s) =>
            verifySetCommand(
              s.verification!.verification,
              { identity: () => s.identity!.client, audit: () => s.audit!.client },
              config.AUDITOR_VERIFY_CONCURRENCY,
              args,
              progress,
            ),
          ));
      } catch (err) {
        fail((err as Error).message);
      }
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (opts.json) printJson(report);
      else printSet(report);
      process.exitCode = report.run.status === 'DONE' ? exitCodeFor(report.files.map((f) => f.result)) : 3;
    });
}
