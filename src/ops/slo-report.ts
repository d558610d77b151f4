/**
 * `auditor ops slo`: each SLO's 30-day SLI, objective, remaining error budget and the plan's error
 * budget policy (§10.2). Reads the series recorded by deploy/prometheus/rules/slo-budget.yml:
 * slo:sli_error:ratio_rate30d, slo:objective:ratio, slo:error_budget_remaining:ratio ({slo, service}).
 */
import type { PrometheusClient } from './prometheus-client.ts';

export type BudgetPolicy = 'normal' | 'feature-freeze' | 'incidents-only' | 'service-freeze' | 'unknown';

export const POLICY_TEXT: Record<BudgetPolicy, { en: string; ja: string }> = {
  normal: { en: 'normal development', ja: '通常開発' },
  'feature-freeze': { en: 'feature freeze, reliability first', ja: '新機能凍結、信頼性改善優先' },
  'incidents-only': { en: 'incident work only', ja: 'インシデント対応のみ' },
  'service-freeze': { en: 'service freeze, all hands', ja: 'サービス凍結、全リソース投入' },
  unknown: { en: 'no data', ja: 'データなし' },
};

/** Plan §10.2: > 50 % normal; 20–50 % feature freeze; < 20 % incidents only; exhausted: service freeze. */
export function budgetPolicy(remaining: number | undefined): BudgetPolicy {
  if (remaining === undefined || Number.isNaN(remaining)) return 'unknown';
  if (remaining <= 0) return 'service-freeze';
  if (remaining < 0.2) return 'incidents-only';
  if (remaining <= 0.5) return 'feature-freeze';
  return 'normal';
}

export interface SloLine {
  slo: string;
  service: string;
  objective: number | null;
  /** Share of good events over 30 days (1 - error ratio). */
  sli: number | null;
  errorRatio: number | null;
  budgetRemaining: number | null;
  /** Minutes of full outage the remaining budget still allows in a 30-day window (availability SLOs). */
  budgetMinutesLeft: number | null;
  budgetMinutesTotal: number | null;
  policy: BudgetPolicy;
}

const MONTH_MINUTES = 30 * 24 * 60;

export async function sloReport(prom: PrometheusClient, at?: Date): Promise<SloLine[]> {
  const [errors, objectives, remaining] = await Promise.all([
    prom.query('slo:sli_error:ratio_rate30d', at),
    prom.query('slo:objective:ratio', at),
    prom.query('slo:error_budget_remaining:ratio', at),
  ]);
  const key = (l: Record<string, string>) => l.slo ?? '';
  const byKey = new Map<string, SloLine>();
  const line = (l: Record<string, string>) => {
    const k = key(l);
    let x = byKey.get(k);
    if (!x) {
      x = {
        slo: k,
        service: l.service ?? '',
        objective: null,
        sli: null,
        errorRatio: null,
        budgetRemaining: null,
        budgetMinutesLeft: null,
        budgetMinutesTotal: null,
        policy: 'unknown',
      };
      byKey.set(k, x);
    }
    if (!x.service && l.service) x.service = l.service;
    return x;
  };
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  for (const s of objectives) line(s.labels).objective = finite(s.value);
  for (const s of errors) {
    const x = line(s.labels);
    x.errorRatio = finite(s.value);
    x.sli = x.errorRatio === null ? null : 1 - x.errorRatio;
  }
  for (const s of remaining) line(s.labels).budgetRemaining = finite(s.value);
  for (const x of byKey.values()) {
    if (x.objective !== null) {
      x.budgetMinutesTotal = round((1 - x.objective) * MONTH_MINUTES, 1);
      if (x.budgetRemaining !== null)
        x.budgetMinutesLeft = round(x.budgetRemaining * x.budgetMinutesTotal, 1);
    }
    x.policy = budgetPolicy(x.budgetRemaining ?? undefined);
  }
  return [...byKey.values()].filter((x) => x.slo).sort((a, b) => a.slo.localeCompare(b.slo));
}

const round = (n: number, d: number) => Math.round(n * 10 ** d) / 10 ** d;
