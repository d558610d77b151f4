/**
 * `auditor verify-bundle <file> [--json]` (product.md F6.6): checks an evidence bundle offline — no
 * server, no database, no configuration: every leaf hash from its data, every inclusion proof to its
 * checkpoint, the checkpoint's log signature and the witness's cosignature, the consistency between
 * the witnessed and the proving checkpoint, the log key's statement over the whole bundle, and every
 * claim against the record it cites. Accepts the JSON bundle or its self-verifying HTML form. Prints
 * what it verified, or exactly what failed (exit code 1).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkBundle } from '../../services/verification/bundle-checker.ts';
import { fail, printJson } from '../output.ts';

export function registerVerifyBundle(program: Command): void {
  program
    .command('verify-bundle')
    .description('check an evidence bundle offline (JSON or self-verifying HTML)')
    .argument('<file>', 'the bundle (.json or .html)')
    .option('--json', 'machine-readable output')
    .action((file: string, opts: { json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        fail(`cannot read ${file}: ${(err as Error).message}`, 2);
      }
      const report = checkBundle(text);
      if (opts.json) printJson(report);
      else {
        console.log(`${file}: ${report.kind ?? 'unknown'} bundle of ${report.origin ?? 'an unknown log'}`);
        for (const line of report.verified) console.log(`  ✔ ${line}`);
        for (const line of report.failures) console.log(`  ✘ ${line}`);
        console.log(report.ok ? '\nVERIFIED' : `\nFAILED: ${report.failures.length} check(s) did not pass`);
      }
      if (!report.ok) process.exitCode = 1;
    });
}
