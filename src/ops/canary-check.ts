/**
 * `auditor deploy check-canary` (plan §5.2 "デプロイ中"): error rate and P99 latency of the canary's
 * pods (and of the stable ones, for comparison) over the window, against the checklist thresholds of
 * deploy/kubernetes/components/rollout-analysis: error rate < 1 %, P99 < 500 ms, streaming routes and
 * health/metrics endpoints excluded. Verdict: promote, rollback, or inconclusive (no canary traffic).
 */

import { type PrometheusClient, scalarOf } from './prometheus-client.ts';
import { STREAMING_ROUTES } from './streaming-routes.ts';

export interface CanaryThresholds {
  maxErrorRate: number;
  maxP99Seconds: number;
}

export const CANARY_THRESHOLDS: CanaryThresholds = { maxErrorRate: 0.01, maxP99Seconds: 0.5 };

export interface Measured {
  requests: number;
  errorRate: number | undefined;
  p99Seconds: number | undefined;
}

export interface CanaryVerdict {
  verdict: 'promote' | 'rollback' | 'inconclusive';
  reasons: string[];
  canary: Measured;
  stable: Measured | undefined;
  window: string;
  thresholds: CanaryThresholds;
}

const EXCLUDED = ['/metrics', '/health/live', '/health/ready', ...STREAMING_ROUTES].join('|');

function selector(extra: string): string {
  const parts = [extra.trim().replace(/^\{|\}$/g, ''), `route!~"${EXCLUDED}"`].filter(Boolean);
  return `{${parts.join(',')}}`;
}

function withStatus(sel: string, status: string): string {
  return sel.replace(/}$/, `,status=~"${status}"}`);
}

export async function measure(
  prom: PrometheusClient,
  sel: string,
  window: string,
  at?: Date,
): Promise<Measured> {
  const s = selector(sel);
  const [total, errors, p99] = await Promise.all([
    prom.query(`sum(increase(http_requests_total${s}[${window}]))`, at),
    prom.query(`sum(increase(http_requests_total${withStatus(s, '5..')}[${window}]))`, at),
    prom.query(
      `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket${s}[${window}])))`,
      at,
    ),
  ]);
  const requests = scalarOf(total) ?? 0;
  const errs = scalarOf(errors) ?? 0;
  return {
    requests,
    errorRate: requests > 0 ? errs / requests : undefined,
    p99Seconds: requests > 0 ? scalarOf(p99) : undefined,
  };
}

/** Pure: the verdict from the measurements. */
export function judgeCanary(
  canary: Measured,
  stable: Measured | undefined,
  t: CanaryThresholds,
  window: string,
): CanaryVerdict {
  const reasons: string[] = [];
  let verdict: CanaryVerdict['verdict'] = 'promote';
  if (canary.requests <= 0) {
    verdict = 'inconclusive';
    reasons.push(`no requests reached the canary in the last ${window}; cannot judge it`);
  } else {
    const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
    if (canary.errorRate !== undefined && canary.errorRate >= t.maxErrorRate) {
      verdict = 'rollback';
      reasons.push(`error rate ${pct(canary.errorRate)} is not below ${pct(t.maxErrorRate)}`);
    } else reasons.push(`error rate ${pct(canary.errorRate ?? 0)} < ${pct(t.maxErrorRate)}`);
    if (canary.p99Seconds !== undefined && canary.p99Seconds >= t.maxP99Seconds) {
      verdict = 'rollback';
      reasons.push(`P99 ${ms(canary.p99Seconds)} is not below ${ms(t.maxP99Seconds)}`);
    } else
      reasons.push(
        `P99 ${canary.p99Seconds === undefined ? 'n/a' : ms(canary.p99Seconds)} < ${ms(t.maxP99Seconds)}`,
      );
  }
  return { verdict, reasons, canary, stable, window, thresholds: t };
}

const ms = (s: number) => `${Math.round(s * 1000)} ms`;
