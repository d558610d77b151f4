/**
 * `auditor verify reconcile [--org <id>] [--json]` (architecture.md §7): compares what the owning
 * services stored with the ledger's leaves — every stored event (its text, its searchable columns,
 * its leaf index) against its `box_event` leaf and every `box_event` leaf against the events, and the
 * version observations whose leaf is not known yet. An event row edited or deleted directly in the
 * database shows up here. Exit code 1 when anything does not match.
 */
import type { Command } from 'commander';
import {
  type ReconciliationReport,
  reconcileArgs,
  reconcileCommand,
} from '../../services/verification/verification-admin.ts';
import { cliConfig, viaServer } from '../local-runtime.ts';
import { withOfflineServices } from '../offline-services.ts';
import { fail, printJson, printTable } from '../output.ts';
import { verifyGroup } from './verify-files.ts';

export function registerVerifyReconcile(program: Command): void {
  verifyGroup(program)
    .command('reconcile')
    .description("compare the events and observations the services stored with the ledger's leaves")
    .option('--org <id>', 'only this organisation (default: every one)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { org?: string; json?: boolean }) => {
      const parsed = reconcileArgs.safeParse({ orgId: opts.org });
      if (!parsed.success) fail('--org must be an organisation id (a UUID)', 2);
      const config = cliConfig();
      let report: ReconciliationReport;
      try {
        report =
          (await viaServer<ReconciliationReport>(config, 'verification.reconcile', parsed.data)) ??
          (await withOfflineServices(config, (s) => reconcileCommand(s.event!, s.file, parsed.data)));
      } catch (err) {
        fail((err as Error).message);
      }
      const ok = report.events.every((r) => r.ok) && report.observations.mismatched === 0;
      if (opts.json) printJson({ ok, ...report });
      else {
        printTable(
          report.events.map((r) => ({
            organisation: r.orgId,
            events: r.eventsChecked,
            leaves: r.leavesChecked,
            reconciled: r.reconciled,
            'awaiting ledger': r.awaitingLedger,
            result: r.ok ? 'OK' : `${r.mismatchCount} MISMATCHES`,
          })),
        );
        for (const r of report.events.filter((x) => !x.ok)) {
          console.log(`\n${r.orgId}:`);
          for (const m of r.mismatches)
            console.log(
              `  event ${m.eventId}${m.leafIndex === null ? '' : ` (leaf ${m.leafIndex})`}: ${m.problem}${m.detail ? ` (${m.detail})` : ''}`,
            );
        }
        const o = report.observations;
        console.log(
          `\nversion observations: ${o.reconciled} reconciled, ${o.mismatched} mismatched, ${o.looked} looked at`,
        );
      }
      if (!ok) process.exitCode = 1;
    });
}
