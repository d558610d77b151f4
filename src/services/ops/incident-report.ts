/**
 * `auditor ops incidents`: incidents per month, per level, and the mean time to recovery (detection
 * to resolution, plan §1.1 "MTTR < 30分") against the 30-minute target. Pure: takes the rows.
 */
import { LEVELS, type Level, MTTR_TARGET_MINUTES } from './incident-policy.ts';

export interface IncidentFacts {
  level: Level;
  detectedAt: Date;
  resolvedAt: Date | null;
  acknowledgedAt: Date | null;
  responseDueAt: Date;
}

export interface MonthReport {
  month: string;
  count: number;
  byLevel: Record<Level, number>;
  resolved: number;
  open: number;
  /** Mean minutes from detection to resolution of the resolved incidents (null when none). */
  mttrMinutes: number | null;
  mttrByLevel: Record<Level, number | null>;
  targetMinutes: number;
  /** Whether the month's MTTR is within the target (null when nothing was resolved). */
  withinTarget: boolean | null;
  /** Incidents acknowledged (moved out of Detected) after their response deadline, or never while due. */
  responseDeadlinesMissed: number;
}

export const monthOf = (d: Date) => d.toISOString().slice(0, 7);

export function incidentReport(incidents: IncidentFacts[], now: Date, month?: string): MonthReport[] {
  const months = new Map<string, IncidentFacts[]>();
  for (const i of incidents) {
    const m = monthOf(i.detectedAt);
    if (month && m !== month) continue;
    months.set(m, [...(months.get(m) ?? []), i]);
  }
  if (month && !months.has(month)) months.set(month, []);
  const mean = (xs: number[]) => (xs.length === 0 ? null : round1(xs.reduce((a, b) => a + b, 0) / xs.length));
  const minutes = (i: IncidentFacts) => (i.resolvedAt!.getTime() - i.detectedAt.getTime()) / 60_000;
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([m, list]) => {
      const resolved = list.filter((i) => i.resolvedAt);
      const mttr = mean(resolved.map(minutes));
      const byLevel = Object.fromEntries(LEVELS.map((l) => [l, list.filter((i) => i.level === l).length]));
      const mttrByLevel = Object.fromEntries(
        LEVELS.map((l) => [l, mean(resolved.filter((i) => i.level === l).map(minutes))]),
      );
      const missed = list.filter((i) =>
        i.acknowledgedAt ? i.acknowledgedAt > i.responseDueAt : !i.resolvedAt && now > i.responseDueAt,
      ).length;
      return {
        month: m,
        count: list.length,
        byLevel: byLevel as Record<Level, number>,
        resolved: resolved.length,
        open: list.length - resolved.length,
        mttrMinutes: mttr,
        mttrByLevel: mttrByLevel as Record<Level, number | null>,
        targetMinutes: MTTR_TARGET_MINUTES,
        withinTarget: mttr === null ? null : mttr <= MTTR_TARGET_MINUTES,
        responseDeadlinesMissed: missed,
      };
    });
}

const round1 = (n: number) => Math.round(n * 10) / 10;
