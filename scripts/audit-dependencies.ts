/**
 * `npm audit --omit=dev`, judged (quality.md §4: production dependencies clean of high and critical
 * advisories at release). CI runs it as `node --import tsx scripts/audit-dependencies.ts`.
 *
 *   exit 0  audited: no high or critical advisory (lower ones are listed)
 *   exit 1  audited: high or critical advisories, each listed with its package, range and fix
 *   exit 2  NOT audited: the registry's audit endpoint could not be reached or answered something
 *          that is not an audit report. This never counts as clean: a build that cannot check its
 *          dependencies does not ship.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';
export const BLOCKING: Severity[] = ['high', 'critical'];

export interface Finding {
  name: string;
  severity: Severity;
  range: string;
  /** Titles and links of the advisories behind it (or the packages it comes through). */
  via: string[];
  fix: string;
}

export type Verdict =
  | { kind: 'clean'; counts: Record<Severity, number>; findings: Finding[] }
  | { kind: 'vulnerable'; counts: Record<Severity, number>; findings: Finding[] }
  | { kind: 'unavailable'; reason: string };

interface AuditReport {
  auditReportVersion?: number;
  vulnerabilities?: Record<
    string,
    {
      name: string;
      severity: Severity;
      range?: string;
      via?: (string | { title?: string; url?: string; severity?: Severity })[];
      fixAvailable?: boolean | { name: string; version: string; isSemVerMajor?: boolean };
    }
  >;
  metadata?: { vulnerabilities?: Partial<Record<Severity, number>> };
  error?: { summary?: string; detail?: string } | string;
  message?: string;
  statusCode?: number;
}

/** Judges the output of `npm audit --json` (and its exit status). */
export function judgeAudit(stdout: string, stderr = ''): Verdict {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return {
      kind: 'unavailable',
      reason: `npm audit did not answer with a report: ${(stdout || stderr).trim().slice(0, 500) || '(no output)'}`,
    };
  }
  const counts = report.metadata?.vulnerabilities;
  if (report.error || report.message || !counts || !report.vulnerabilities) {
    const detail =
      typeof report.error === 'string'
        ? report.error
        : [report.message, report.error?.summary, report.error?.detail].filter(Boolean).join(' — ');
    return {
      kind: 'unavailable',
      reason: `the audit endpoint could not be used${report.statusCode ? ` (HTTP ${report.statusCode})` : ''}: ${detail || 'no vulnerability report in the answer'}`,
    };
  }
  const full: Record<Severity, number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts };
  const findings = Object.values(report.vulnerabilities).map(
    (v): Finding => ({
      name: v.name,
      severity: v.severity,
      range: v.range ?? '*',
      via: (v.via ?? []).map((x) =>
        typeof x === 'string' ? `via ${x}` : `${x.title ?? 'advisory'} ${x.url ?? ''}`.trim(),
      ),
      fix:
        v.fixAvailable === true
          ? 'npm audit fix'
          : v.fixAvailable
            ? `upgrade ${v.fixAvailable.name} to ${v.fixAvailable.version}${v.fixAvailable.isSemVerMajor ? ' (major)' : ''}`
            : 'no fix available',
    }),
  );
  const blocking = BLOCKING.some((s) => full[s] > 0);
  return { kind: blocking ? 'vulnerable' : 'clean', counts: full, findings };
}

function report(verdict: Verdict): number {
  if (verdict.kind === 'unavailable') {
    console.error(`✖ DEPENDENCY AUDIT NOT DONE — ${verdict.reason}`);
    console.error('  This is a failure, not a pass: the production dependencies were not checked.');
    return 2;
  }
  const { counts, findings } = verdict;
  const order: Severity[] = ['critical', 'high', 'moderate', 'low', 'info'];
  console.log(`npm audit --omit=dev: ${order.map((s) => `${counts[s]} ${s}`).join(', ')}`);
  for (const f of findings.sort((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity)))
    console.log(
      `  ${BLOCKING.includes(f.severity) ? '✖' : '·'} ${f.severity.padEnd(8)} ${f.name} ${f.range} — ${f.fix}\n      ${f.via.join('\n      ')}`,
    );
  if (verdict.kind === 'vulnerable') {
    console.error('✖ high or critical advisories in production dependencies');
    return 1;
  }
  console.log('✔ no high or critical advisory in production dependencies');
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const res = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
  const verdict = res.error
    ? ({ kind: 'unavailable', reason: `npm audit could not run: ${res.error.message}` } as const)
    : judgeAudit(res.stdout ?? '', res.stderr ?? '');
  process.exit(report(verdict));
}
