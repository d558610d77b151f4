/**
 * The plan's maintenance window (§7.2: every third Sunday of the month, 02:00–06:00 JST) and its
 * notice template (§7.3), in Japanese as in the plan and in English.
 */
const JST_OFFSET_MS = 9 * 3600_000;

export interface MaintenanceWindow {
  /** Calendar date in Japan (YYYY-MM-DD). */
  date: string;
  start: Date;
  end: Date;
}

/** The window on a given JST calendar date (02:00–06:00 JST that day). */
export function windowOn(date: string): MaintenanceWindow {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw new Error(`not a date (YYYY-MM-DD): ${date}`);
  const midnightJst = Date.parse(`${date}T00:00:00Z`) - JST_OFFSET_MS;
  return {
    date,
    start: new Date(midnightJst + 2 * 3600_000),
    end: new Date(midnightJst + 6 * 3600_000),
  };
}

function thirdSunday(year: number, month0: number): string {
  const first = new Date(Date.UTC(year, month0, 1)).getUTCDay();
  const day = 1 + ((7 - first) % 7) + 14;
  return `${year}-${String(month0 + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The next regular window that has not ended at `now` (this month's third Sunday, or next month's). */
export function nextMaintenanceWindow(now: Date): MaintenanceWindow {
  const jst = new Date(now.getTime() + JST_OFFSET_MS);
  let year = jst.getUTCFullYear();
  let month = jst.getUTCMonth();
  for (;;) {
    const w = windowOn(thirdSunday(year, month));
    if (w.end.getTime() > now.getTime()) return w;
    month += 1;
    if (month === 12) {
      month = 0;
      year += 1;
    }
  }
}

export interface NoticeOptions {
  lang: 'ja' | 'en';
  product?: string;
  slack?: string;
  email?: string;
}

/** The §7.3 template filled in for a window. */
export function maintenanceNotice(w: MaintenanceWindow, o: NoticeOptions): string {
  const product = o.product ?? 'Scalar Auditor for BOX';
  const slack = o.slack ?? '#scalar-auditor-support';
  const email = o.email ?? 'support@example.com';
  if (o.lang === 'ja') {
    return [
      '## メンテナンス通知',
      '',
      `**日時**: ${w.date} 02:00 - 06:00 (JST)`,
      `**対象**: ${product}`,
      '**影響**: サービスへの影響なし（ローリングアップデート）',
      '',
      '### 作業内容',
      '- Kubernetesノードのセキュリティパッチ適用',
      '- データベースの定期メンテナンス',
      '',
      '### 問い合わせ先',
      `- Slack: ${slack}`,
      `- Email: ${email}`,
      '',
    ].join('\n');
  }
  return [
    '## Maintenance notice',
    '',
    `**When**: ${w.date} 02:00 - 06:00 (JST) (${w.start.toISOString().replace('.000Z', 'Z')} - ${w.end
      .toISOString()
      .replace('.000Z', 'Z')})`,
    `**Scope**: ${product}`,
    '**Impact**: none expected (rolling update)',
    '',
    '### Work',
    '- Security patches on the Kubernetes nodes',
    '- Routine database maintenance',
    '',
    '### Contact',
    `- Slack: ${slack}`,
    `- Email: ${email}`,
    '',
  ].join('\n');
}
