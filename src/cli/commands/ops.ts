/**
 * `auditor ops ...` (operations.md §8): maintenance mode and notice, incidents (MTTR), SLOs and error
 * budgets, capacity. See docs/operations.md.
 */
import type { Command } from 'commander';
import { databaseCapacity, PLAN_CAPACITY, type Projection, resourceProjections } from '../../ops/capacity.ts';
import { formatBytes } from '../../ops/db-health.ts';
import { callMaintenanceSwitch } from '../../ops/maintenance-switch.ts';
import { maintenanceNotice, nextMaintenanceWindow, windowOn } from '../../ops/maintenance-window.ts';
import { createPrometheusClient } from '../../ops/prometheus-client.ts';
import { POLICY_TEXT, sloReport } from '../../ops/slo-report.ts';
import type { Config } from '../../platform/config.ts';
import { incidentReport, type MonthReport } from '../../services/ops/incident-report.ts';
import { createIncidentStore } from '../../services/ops/incident-store.ts';
import { loadIncidentFacts } from '../../services/ops/ops-component.ts';
import { cliConfig, viaServer, withDatabase } from '../local-runtime.ts';
import { fail, printJson, printTable } from '../output.ts';

function prometheusUrl(config: Config, flag: string | undefined): string {
  const url = flag ?? config.AUDITOR_PROMETHEUS_URL;
  if (!url) fail('give --prometheus <url> or AUDITOR_PROMETHEUS_URL', 2);
  return url;
}

const pct = (v: number | null, digits = 3) => (v === null ? 'n/a' : `${(v * 100).toFixed(digits)} %`);

/** The processes a distributed installation's switch is set on (the five services). */
function serviceTargets(config: Config): string[] {
  return [
    config.AUDITOR_IDENTITY_URL,
    config.AUDITOR_AUDIT_URL,
    config.AUDITOR_FILE_URL,
    config.AUDITOR_EVENT_URL,
    config.AUDITOR_VERIFICATION_URL,
  ].filter((u): u is string => Boolean(u));
}

export function registerOps(program: Command): void {
  const ops = program.command('ops').description('operations: maintenance, incidents, SLOs, capacity');

  ops
    .command('maintenance')
    .description(
      'maintenance mode: writes answer 503 with Retry-After; reads, sign-in and ingestion continue',
    )
    .argument('<state>', 'on, off or status')
    .option(
      '--url <url...>',
      'processes to switch (default: the AUDITOR_*_URL services; add the gateway and every replica)',
    )
    .action(async (state: string, opts: { url?: string[] }) => {
      if (!['on', 'off', 'status'].includes(state)) fail('state must be on, off or status', 2);
      const enabled = state === 'status' ? undefined : state === 'on';
      const config = cliConfig();
      try {
        if (!opts.url) {
          const viaSocket = await viaServer<{ enabled: boolean }>(
            config,
            enabled === undefined ? 'maintenance.get' : 'maintenance.set',
            { enabled },
          ).catch((err) => {
            if (enabled === undefined) return undefined;
            throw err;
          });
          if (viaSocket) {
            console.log(`maintenance mode ${viaSocket.enabled ? 'on' : 'off'} (all-in-one server)`);
            return;
          }
        }
        const targets = opts.url ?? serviceTargets(config);
        if (targets.length === 0)
          fail(
            'no running server on this data directory and no service URLs: set AUDITOR_IDENTITY_URL... or pass --url; ' +
              'or start the processes with AUDITOR_MAINTENANCE_MODE=true',
            2,
          );
        if (!config.AUDITOR_SERVICE_SECRET)
          fail('AUDITOR_SERVICE_SECRET is needed to reach the processes', 2);
        let failed = 0;
        for (const url of targets) {
          try {
            const r = await callMaintenanceSwitch(url, config.AUDITOR_SERVICE_SECRET, enabled);
            console.log(`${url}: maintenance mode ${r.enabled ? 'on' : 'off'}`);
          } catch (err) {
            failed += 1;
            console.error(`${url}: ${(err as Error).message}`);
          }
        }
        if (failed > 0) fail(`${failed} of ${targets.length} processes could not be reached`);
      } catch (err) {
        fail((err as Error).message);
      }
    });

  ops
    .command('maintenance-notice')
    .description(
      "print the plan's maintenance notice (§7.3) for the next window (third Sunday, 02:00-06:00 JST) or a date",
    )
    .option('--date <yyyy-mm-dd>', 'the window date (JST)')
    .option('--lang <lang>', 'ja or en', 'ja')
    .action((opts: { date?: string; lang: string }) => {
      if (opts.lang !== 'ja' && opts.lang !== 'en') fail('--lang must be ja or en', 2);
      let w: ReturnType<typeof windowOn>;
      try {
        w = opts.date ? windowOn(opts.date) : nextMaintenanceWindow(new Date());
      } catch (err) {
        fail((err as Error).message, 2);
      }
      process.stdout.write(maintenanceNotice(w, { lang: opts.lang }));
    });

  ops
    .command('incidents')
    .description('incidents per month and level, MTTR against the 30-minute target (plan §1.1, §4.1)')
    .option('--month <yyyy-mm>', 'one month (UTC)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { month?: string; json?: boolean }) => {
      if (opts.month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(opts.month)) fail('--month must be YYYY-MM', 2);
      const config = cliConfig({ AUDITOR_AUTO_MIGRATE: 'false' });
      let months: MonthReport[];
      try {
        months =
          (await viaServer<MonthReport[]>(config, 'ops.incidents', { month: opts.month })) ??
          (await withDatabase(config, async (pool) =>
            incidentReport(
              await loadIncidentFacts(createIncidentStore(pool.forService('cli'), () => new Date())),
              new Date(),
              opts.month,
            ),
          ));
      } catch (err) {
        fail((err as Error).message);
      }
      if (opts.json) return printJson(months);
      printTable(
        months.map((m) => ({
          month: m.month,
          incidents: m.count,
          P1: m.byLevel.P1,
          P2: m.byLevel.P2,
          P3: m.byLevel.P3,
          P4: m.byLevel.P4,
          resolved: m.resolved,
          open: m.open,
          'MTTR min': m.mttrMinutes ?? '',
          'target min': m.targetMinutes,
          'within target': m.withinTarget === null ? '' : m.withinTarget ? 'yes' : 'NO',
          'response late': m.responseDeadlinesMissed,
        })),
      );
    });

  ops
    .command('slo')
    .description(
      "each SLO's 30-day SLI, remaining error budget and the plan's budget policy (§10.2), from Prometheus",
    )
    .option('--prometheus <url>', 'Prometheus base URL (AUDITOR_PROMETHEUS_URL)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { prometheus?: string; json?: boolean }) => {
      const prom = createPrometheusClient(prometheusUrl(cliConfig(), opts.prometheus));
      const lines = await sloReport(prom).catch((err) => fail((err as Error).message));
      if (lines.length === 0)
        fail('Prometheus has no slo:* series: are the rules of deploy/prometheus/rules loaded?');
      if (opts.json) return printJson(lines);
      printTable(
        lines.map((l) => ({
          slo: l.slo,
          service: l.service,
          objective: pct(l.objective, 2),
          'SLI 30d': pct(l.sli),
          'budget left': l.budgetRemaining === null ? 'n/a' : `${(l.budgetRemaining * 100).toFixed(1)} %`,
          'minutes left': l.budgetMinutesLeft ?? '',
          policy: `${l.policy}: ${POLICY_TEXT[l.policy].en} / ${POLICY_TEXT[l.policy].ja}`,
        })),
      );
    });

  ops
    .command('capacity')
    .description(
      'database size per schema, growth per day, CPU and memory, 6- and 12-month projections (plan §8.1)',
    )
    .option('--prometheus <url>', 'Prometheus base URL for CPU and memory (AUDITOR_PROMETHEUS_URL)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { prometheus?: string; json?: boolean }) => {
      const config = cliConfig({ AUDITOR_AUTO_MIGRATE: 'false', AUDITOR_DB_STATEMENT_TIMEOUT: '10m' });
      const url = opts.prometheus ?? config.AUDITOR_PROMETHEUS_URL;
      try {
        const dbPart = await withDatabase(config, (pool) => databaseCapacity(pool.db));
        const notes = [...dbPart.notes];
        let resources: Projection[] = [];
        if (url) resources = await resourceProjections(createPrometheusClient(url));
        else notes.push('no Prometheus URL: CPU and memory not shown');
        const projections = [dbPart.projection, ...resources];
        if (opts.json) return printJson({ ...dbPart, projections, plan: PLAN_CAPACITY, notes });
        console.log('Database size per schema');
        printTable(dbPart.schemas.map((s) => ({ schema: s.schema, size: formatBytes(s.bytes) })));
        console.log(`\nEvents per day (30-day mean): ${dbPart.eventsPerDay.toFixed(1)}`);
        printTable(
          dbPart.growth.map((g) => ({
            table: g.table,
            'rows/day': g.rowsPerDay.toFixed(1),
            'bytes/row': Math.round(g.bytesPerRow),
            'per day': formatBytes(g.bytesPerDay),
          })),
        );
        const show = (p: Projection, v: number) =>
          p.unit === 'bytes' ? formatBytes(v) : `${v.toFixed(2)} cores`;
        console.log('\nProjection (linear)');
        printTable(
          projections.map((p) => ({
            resource: p.resource,
            now: show(p, p.now),
            '6 months': show(p, p.in6Months),
            '12 months': show(p, p.in12Months),
          })),
        );
        console.log('\nPlan §8.1');
        printTable(
          PLAN_CAPACITY.map((p) => ({
            resource: p.resource,
            now: p.now,
            '6 months': p.in6Months,
            '12 months': p.in12Months,
          })),
        );
        for (const n of notes) console.log(`note: ${n}`);
      } catch (err) {
        fail((err as Error).message);
      }
    });
}
