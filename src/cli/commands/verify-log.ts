/**
 * `auditor verify log [--org ID] [--json]`: the full log audit (product.md F6.7) of one
 * organisation's ledger or of all of them. Runs in the server through its admin socket when one
 * holds the embedded database, else against the database directly. Exit code 1 when any log fails.
 */
import type { Command } from 'commander';
import type { LogAuditResult } from '../../services/verification/log-auditor.ts';
import { cliConfig, viaServer } from '../local-runtime.ts';
import { withOfflineServices } from '../offline-services.ts';
import { fail, printJson, printTable } from '../output.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Human-readable findings of one failed log. */
export function describeFindings(r: LogAuditResult): string[] {
  const lines: string[] = [];
  for (const m of r.leafHashMismatches)
    lines.push(`leaf ${m.index}: bytes do not hash to the stored leaf hash`);
  if (r.leafHashMismatchCount > r.leafHashMismatches.length)
    lines.push(`… ${r.leafHashMismatchCount - r.leafHashMismatches.length} more leaf hash mismatches`);
  for (const g of r.indexGaps)
    lines.push(g.from === g.to ? `leaf ${g.from} is missing` : `leaves ${g.from}-${g.to} are missing`);
  for (const m of r.rootMismatches)
    lines.push(`checkpoint ${m.treeSize}: root differs from the recomputed tree`);
  for (const c of r.checkpointProblems) lines.push(`checkpoint ${c.treeSize}: ${c.problem} (${c.message})`);
  for (const size of r.unreachedCheckpoints)
    lines.push(
      size < 0
        ? `head: ${r.treeSize} leaves recorded, ${r.leafCount} present`
        : `checkpoint ${size}: beyond the leaves present`,
    );
  if (r.headMismatch)
    lines.push(`head: root ${r.headMismatch.stored} differs from the recomputed ${r.headMismatch.computed}`);
  for (const t of r.tileMismatches) lines.push(`tile ${t.level}/${t.index}: differs from the leaves`);
  if (r.tileMismatchCount > r.tileMismatches.length)
    lines.push(`… ${r.tileMismatchCount - r.tileMismatches.length} more tile mismatches`);
  for (const c of r.cosignatureProblems) lines.push(`witness cosignature of ${c.treeSize}: ${c.problem}`);
  return lines;
}

export function registerVerifyLog(program: Command): void {
  // `verify item|set` register beside this one; whoever comes first creates the group.
  const verify =
    program.commands.find((c) => c.name() === 'verify') ??
    program.command('verify').description('verify files, audit sets or the whole ledger');
  verify
    .command('log')
    .description('full ledger audit: recompute each log from its stored leaves and check every checkpoint')
    .option('--org <id>', 'only this organisation (default: every log)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { org?: string; json?: boolean }) => {
      if (opts.org !== undefined && !UUID.test(opts.org))
        fail('--org must be an organisation id (a UUID)', 2);
      const config = cliConfig();
      let results: LogAuditResult[];
      try {
        results =
          (await viaServer<LogAuditResult[]>(config, 'ledger.audit', { orgId: opts.org })) ??
          (await withOfflineServices(config, (s) => s.verification!.ledger.auditor.run(opts.org)));
      } catch (err) {
        fail((err as Error).message);
      }
      if (opts.org !== undefined && results.length === 0) fail(`organisation ${opts.org} has no log`, 2);
      const ok = results.every((r) => r.ok);
      if (opts.json) {
        printJson({ ok, logs: results });
      } else {
        printTable(
          results.map((r) => ({
            origin: r.origin,
            leaves: r.leafCount,
            'tree size': r.treeSize,
            checkpoints: r.checkpointsChecked,
            result: r.ok ? 'OK' : 'FAILED',
          })),
        );
        for (const r of results.filter((x) => !x.ok)) {
          console.log(`\n${r.origin}:`);
          for (const line of describeFindings(r)) console.log(`  ${line}`);
        }
      }
      if (!ok) process.exitCode = 1;
    });
}
