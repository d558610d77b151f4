import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { maintenanceNotice, nextMaintenanceWindow, windowOn } from '../../src/ops/maintenance-window.ts';
import { runCli } from './support/cli.ts';

/** The third Sunday of a JST month found by walking its days (independently of the implementation). */
function thirdSundayByWalking(year: number, month: number): string {
  let sundays = 0;
  for (let day = 1; day <= 31; day++) {
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCDay() === 0 && ++sundays === 3) return d.toISOString().slice(0, 10);
  }
  throw new Error('no third Sunday');
}

describe('the maintenance window (third Sunday, 02:00-06:00 JST)', () => {
  test('is the third Sunday of the month, 02:00-06:00 in Japan (17:00-21:00 UTC the day before)', () => {
    const w = windowOn('2026-03-15');
    assert.equal(w.start.toISOString(), '2026-03-14T17:00:00.000Z');
    assert.equal(w.end.toISOString(), '2026-03-14T21:00:00.000Z');
    for (let m = 1; m <= 12; m++) {
      const w2 = nextMaintenanceWindow(new Date(Date.UTC(2027, m - 1, 1, 0, 0)));
      assert.equal(w2.date, thirdSundayByWalking(2027, m), `month ${m}`);
    }
  });

  test("moves to next month's once this month's window has ended, judged in Japan time", () => {
    // 2026-03-15 05:59 JST: still inside the window.
    assert.equal(nextMaintenanceWindow(new Date('2026-03-14T20:59:00Z')).date, '2026-03-15');
    // 06:00 JST: over, next is April's third Sunday.
    assert.equal(nextMaintenanceWindow(new Date('2026-03-14T21:00:00Z')).date, '2026-04-19');
    // 2026-12-31T15:30Z is 2027-01-01 00:30 in Japan: January's window is next.
    assert.equal(nextMaintenanceWindow(new Date('2026-12-31T15:30:00Z')).date, '2027-01-17');
  });

  test("the notice follows the plan's §7.3 template in Japanese and English", () => {
    const ja = maintenanceNotice(windowOn('2026-03-15'), { lang: 'ja' });
    assert.match(
      ja,
      /^## メンテナンス通知\n\n\*\*日時\*\*: 2026-03-15 02:00 - 06:00 \(JST\)\n\*\*対象\*\*: Scalar Auditor for BOX\n/,
    );
    assert.match(
      ja,
      /### 作業内容\n- Kubernetesノードのセキュリティパッチ適用\n- データベースの定期メンテナンス/,
    );
    assert.match(ja, /### 問い合わせ先\n- Slack: #scalar-auditor-support\n- Email: support@example.com/);
    const en = maintenanceNotice(windowOn('2026-03-15'), { lang: 'en' });
    assert.match(
      en,
      /\*\*When\*\*: 2026-03-15 02:00 - 06:00 \(JST\) \(2026-03-14T17:00:00Z - 2026-03-14T21:00:00Z\)/,
    );
    assert.throws(() => windowOn('2026-02-30x'), /not a date/);
  });

  test('auditor ops maintenance-notice prints the next window in ja by default and a given date in en', async () => {
    const now = new Date();
    const next = nextMaintenanceWindow(now);
    const jstMonth = new Date(now.getTime() + 9 * 3600_000);
    const candidates = [0, 1].map((k) => {
      const d = new Date(Date.UTC(jstMonth.getUTCFullYear(), jstMonth.getUTCMonth() + k, 1));
      return thirdSundayByWalking(d.getUTCFullYear(), d.getUTCMonth() + 1);
    });
    assert.ok(candidates.includes(next.date));
    const ja = await runCli(['ops', 'maintenance-notice']);
    assert.equal(ja.code, 0, ja.stderr);
    assert.match(ja.stdout, new RegExp(`\\*\\*日時\\*\\*: ${next.date} 02:00 - 06:00 \\(JST\\)`));
    const en = await runCli(['ops', 'maintenance-notice', '--date', '2026-05-17', '--lang', 'en']);
    assert.equal(en.code, 0, en.stderr);
    assert.match(en.stdout, /^## Maintenance notice\n\n\*\*When\*\*: 2026-05-17 02:00 - 06:00 \(JST\)/);
    const bad = await runCli(['ops', 'maintenance-notice', '--lang', 'fr']);
    assert.equal(bad.code, 2);
  });
});
