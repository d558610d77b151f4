/** `auditor deploy check-canary` (plan §5.2; same thresholds as the Argo Rollouts analysis). Exit 0 promote, 1 roll back, 2 cannot judge. */
import type { Command } from 'commander';
import { CANARY_THRESHOLDS, judgeCanary, measure } from '../../ops/canary-check.ts';
import { createPrometheusClient } from '../../ops/prometheus-client.ts';
import { cliConfig } from '../local-runtime.ts';
import { fail, printJson } from '../output.ts';

interface Opts {
  prometheus?: string;
  canarySelector: string;
  stableSelector?: string;
  service?: string;
  window: string;
  maxErrorRate: string;
  maxP99: string;
  json?: boolean;
}

export function registerDeploy(program: Command): void {
  const deploy = program.command('deploy').description('release checks');
  deploy
    .command('check-canary')
    .description(
      'error rate and P99 of the canary vs the checklist thresholds: promote (exit 0) or roll back (exit 1)',
    )
    .option('--prometheus <url>', 'Prometheus base URL (AUDITOR_PROMETHEUS_URL)')
    .requiredOption(
      '--canary-selector <matchers>',
      'label matchers of the canary pods, e.g. rollouts_pod_template_hash="5d9f8"',
    )
    .option('--stable-selector <matchers>', 'label matchers of the stable pods (shown for comparison)')
    .option('--service <name>', 'only this service (adds service="<name>")')
    .option('--window <duration>', 'PromQL range to judge (plan: 10 minutes of stability)', '10m')
    .option(
      '--max-error-rate <ratio>',
      'roll back at or above this 5xx share',
      String(CANARY_THRESHOLDS.maxErrorRate),
    )
    .option('--max-p99 <seconds>', 'roll back at or above this P99', String(CANARY_THRESHOLDS.maxP99Seconds))
    .option('--json', 'machine-readable output')
    .action(async (opts: Opts) => {
      const url = opts.prometheus ?? cliConfig().AUDITOR_PROMETHEUS_URL;
      if (!url) fail('give --prometheus <url> or AUDITOR_PROMETHEUS_URL', 2);
      if (!/^\d+[smhd]$/.test(opts.window)) fail('--window must be a PromQL duration such as 10m', 2);
      const thresholds = { maxErrorRate: Number(opts.maxErrorRate), maxP99Seconds: Number(opts.maxP99) };
      if (!(thresholds.maxErrorRate > 0) || !(thresholds.maxP99Seconds > 0))
        fail('thresholds must be positive', 2);
      const scope = (sel: string) =>
        [opts.service ? `service="${opts.service}"` : '', sel.replace(/^\{|\}$/g, '')]
          .filter(Boolean)
          .join(',');
      const prom = createPrometheusClient(url);
      try {
        const canary = await measure(prom, scope(opts.canarySelector), opts.window);
        const stable = opts.stableSelector
          ? await measure(prom, scope(opts.stableSelector), opts.window)
          : undefined;
        const v = judgeCanary(canary, stable, thresholds, opts.window);
        if (opts.json) printJson(v);
        else {
          const fmt = (m: typeof canary) =>
            `${Math.round(m.requests)} requests, error rate ${m.errorRate === undefined ? 'n/a' : `${(m.errorRate * 100).toFixed(2)} %`}, P99 ${m.p99Seconds === undefined ? 'n/a' : `${Math.round(m.p99Seconds * 1000)} ms`}`;
          console.log(`canary (${opts.canarySelector}): ${fmt(canary)}`);
          if (stable) console.log(`stable (${opts.stableSelector}): ${fmt(stable)}`);
          for (const r of v.reasons) console.log(`  ${r}`);
          console.log(
            v.verdict === 'promote' ? 'PROMOTE' : v.verdict === 'rollback' ? 'ROLL BACK' : 'INCONCLUSIVE',
          );
        }
        process.exitCode = v.verdict === 'promote' ? 0 : v.verdict === 'rollback' ? 1 : 2;
      } catch (err) {
        fail((err as Error).message, 2);
      }
    });
}
