/**
 * Pushes gauges of a batch job to a Prometheus Pushgateway (text format 0.0.4), replacing the job's
 * group: `PUT <url>/metrics/job/<job>`. Used by `auditor backup verify` for
 * auditor_backup_last_success_timestamp_seconds (job auditor-backup; BackupTooOld reads it).
 */
export async function pushGauges(
  baseUrl: string,
  job: string,
  gauges: Array<{ name: string; help: string; value: number }>,
): Promise<void> {
  const body = gauges
    .map((g) => `# HELP ${g.name} ${g.help}\n# TYPE ${g.name} gauge\n${g.name} ${g.value}\n`)
    .join('');
  const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/metrics/job/${encodeURIComponent(job)}`, {
    method: 'PUT',
    headers: { 'content-type': 'text/plain; version=0.0.4' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok)
    throw new Error(`Pushgateway ${baseUrl} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
}
