/** `auditor db health` and `auditor db maintain` (plan §2.2; docs/operations.md). */
import type { Command } from 'commander';
import {
  type DbHealthThresholds,
  DEFAULT_THRESHOLDS,
  evaluateDbHealth,
  formatBytes,
  readDbHealth,
} from '../../ops/db-health.ts';
import { type MaintenanceTask, runMaintenance } from '../../ops/db-maintenance.ts';
import { cliConfig, runningServerSocket, withDatabase } from '../local-runtime.ts';
import { fail, printJson, printTable } from '../output.ts';

function number(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) fail(`${name} must be a non-negative number`, 2);
    return n;
  };
}

function config(o: { databaseUrl?: string }, extra: Record<string, string> = {}) {
  const c = cliConfig({
    AUDITOR_AUTO_MIGRATE: 'false',
    ...extra,
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
  });
  if (runningServerSocket(c))
    fail(
      'a server holds the embedded database; stop it first (or run against PostgreSQL with DATABASE_URL)',
      2,
    );
  return c;
}

interface HealthOpts {
  json?: boolean;
  format?: string;
  databaseUrl?: string;
  deadTuples: number;
  deadRatio: number;
  longQuerySeconds: number;
  replicaLagSeconds: number;
  unusedIndexBytes: number;
  bloatRatio: number;
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('database health and maintenance (plan §2.2)');
  const t = DEFAULT_THRESHOLDS;
  db.command('health')
    .description(
      'dead tuples, vacuum times, long queries, replication lag, unused and bloated indexes; exit 1 when a threshold is crossed',
    )
    .option('--json', 'machine-readable output')
    .option('--format <format>', 'table or json', 'table')
    .option('--database-url <url>', 'inspect this server instead of DATABASE_URL (e.g. a standby)')
    .option(
      '--dead-tuples <n>',
      'flag tables with more dead tuples than this',
      number('--dead-tuples'),
      t.deadTuples,
    )
    .option(
      '--dead-ratio <r>',
      '... that are also at least this share of the rows (0-1)',
      number('--dead-ratio'),
      t.deadRatio,
    )
    .option(
      '--long-query-seconds <s>',
      'flag queries running longer',
      number('--long-query-seconds'),
      t.longQuerySeconds,
    )
    .option(
      '--replica-lag-seconds <s>',
      'flag replication lag above',
      number('--replica-lag-seconds'),
      t.replicaLagSeconds,
    )
    .option(
      '--unused-index-bytes <b>',
      'flag never-scanned indexes at least this large',
      number('--unused-index-bytes'),
      t.unusedIndexBytes,
    )
    .option(
      '--bloat-ratio <r>',
      'flag indexes estimated at least this bloated (0-1)',
      number('--bloat-ratio'),
      t.bloatRatio,
    )
    .action(async (opts: HealthOpts) => {
      const json = opts.json || opts.format === 'json';
      if (!['table', 'json'].includes(opts.format ?? 'table')) fail('--format must be table or json', 2);
      const thresholds: DbHealthThresholds = {
        ...t,
        deadTuples: opts.deadTuples,
        deadRatio: opts.deadRatio,
        longQuerySeconds: opts.longQuerySeconds,
        replicaLagSeconds: opts.replicaLagSeconds,
        unusedIndexBytes: opts.unusedIndexBytes,
        bloatRatio: opts.bloatRatio,
      };
      const report = await withDatabase(config(opts), (pool) =>
        readDbHealth(pool.db, { longQuerySeconds: Math.min(thresholds.longQuerySeconds, 300) }),
      ).catch((err) => fail((err as Error).message));
      const findings = evaluateDbHealth(report, thresholds);
      if (json) {
        printJson({ ok: findings.length === 0, thresholds, findings, ...report });
      } else {
        console.log(`database role: ${report.role}; checked ${report.checkedAt}\n`);
        console.log('Tables (dead tuples, last vacuum)');
        printTable(
          report.tables.map((x) => ({
            table: `${x.schema}.${x.table}`,
            live: x.liveTuples,
            dead: x.deadTuples,
            'dead %': (x.deadRatio * 100).toFixed(1),
            'last vacuum': x.lastVacuum ?? '',
            'last autovacuum': x.lastAutovacuum ?? '',
            'last analyze': x.lastAnalyze ?? x.lastAutoanalyze ?? '',
          })),
        );
        console.log(`\nQueries running longer than ${Math.min(thresholds.longQuerySeconds, 300)} s`);
        printTable(
          report.longQueries.map((q) => ({
            pid: q.pid,
            seconds: q.seconds,
            state: q.state,
            client: q.application,
            query: q.query.replace(/\s+/g, ' ').slice(0, 80),
          })),
        );
        console.log('\nReplication');
        printTable(
          report.replication.map((r) => ({
            standby: r.name,
            state: r.state,
            'lag s': r.lagSeconds.toFixed(1),
            'lag bytes': r.lagBytes,
          })),
        );
        console.log('\nIndexes never scanned or bloated');
        printTable(
          report.indexes
            .filter((i) => (!i.unique && i.scans === 0) || (i.bloatRatio ?? 0) >= thresholds.bloatRatio)
            .map((i) => ({
              index: `${i.schema}.${i.index}`,
              scans: i.scans,
              size: formatBytes(i.sizeBytes),
              'bloat %': i.bloatRatio === null ? '' : (i.bloatRatio * 100).toFixed(0),
            })),
        );
        console.log('\nOutbox');
        printTable(
          report.outbox.map((o) => ({
            schema: o.schema,
            pending: o.pending,
            'oldest s': Math.round(o.oldestSeconds),
          })),
        );
        console.log(
          findings.length === 0 ? '\nOK: no threshold crossed' : `\n${findings.length} problem(s):`,
        );
        for (const f of findings) console.log(`  ${f.kind} ${f.subject}: ${f.message}`);
      }
      if (findings.length > 0) process.exitCode = 1;
    });

  db.command('maintain')
    .description('VACUUM (ANALYZE), ANALYZE or REINDEX CONCURRENTLY every table / index of our schemas')
    .option('--vacuum', 'VACUUM (ANALYZE) every table (weekly)')
    .option('--analyze', 'ANALYZE every table (daily statistics)')
    .option(
      '--reindex',
      'REINDEX INDEX CONCURRENTLY every index (monthly, manual, in the maintenance window)',
    )
    .option('--database-url <url>', 'maintain this database instead of DATABASE_URL')
    .option('--json', 'machine-readable output')
    .action(
      async (opts: {
        vacuum?: boolean;
        analyze?: boolean;
        reindex?: boolean;
        json?: boolean;
        databaseUrl?: string;
      }) => {
        const tasks = (['vacuum', 'analyze', 'reindex'] as MaintenanceTask[]).filter((k) => opts[k]);
        if (tasks.length === 0) fail('choose --vacuum, --analyze and/or --reindex', 2);
        // Maintenance statements take as long as the tables are large.
        const c = config(opts, { AUDITOR_DB_STATEMENT_TIMEOUT: '12h' });
        const steps = await withDatabase(c, (pool) =>
          runMaintenance(pool.db, tasks, {
            concurrently: pool.kind === 'postgres',
            onStep: (s) => {
              if (!opts.json)
                console.log(
                  `${s.ok ? 'ok  ' : 'FAIL'} ${s.statement} (${s.ms} ms)${s.error ? `: ${s.error}` : ''}`,
                );
            },
          }),
        ).catch((err) => fail((err as Error).message));
        const failed = steps.filter((s) => !s.ok);
        if (opts.json) printJson({ ok: failed.length === 0, steps });
        else console.log(`${steps.length - failed.length} of ${steps.length} statements succeeded`);
        if (failed.length > 0) process.exitCode = 1;
      },
    );
}
