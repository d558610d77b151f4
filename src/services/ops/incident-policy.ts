/**
 * The plan's incident rules (§4.1, §4.2), as pure functions:
 *
 * | Level | Impact            | Respond within     | Escalate                   |
 * | P1    | service down      | 15 minutes         | immediately                |
 * | P2    | major function    | 30 minutes         | after 1 hour               |
 * | P3    | partial function  | 4 hours            | next business day (09:00)  |
 * | P4    | minor             | next business day  | never                      |
 *
 * "Next business day" is the next Monday–Friday after the detection date in Japan time (JST),
 * responding by 18:00 and escalating at 09:00; public holidays are not modelled. The state machine
 * follows §4.2: Detected → Triaged → Investigating → Identified → Mitigating → Resolved → PostMortem,
 * with Investigating → Escalated → Identified. An alert that Alertmanager reports resolved moves an
 * open incident to Resolved from any state (the system recovered; people still write the post-mortem).
 */
export const LEVELS = ['P1', 'P2', 'P3', 'P4'] as const;
export type Level = (typeof LEVELS)[number];

export const STATES = [
  'Detected',
  'Triaged',
  'Investigating',
  'Escalated',
  'Identified',
  'Mitigating',
  'Resolved',
  'PostMortem',
] as const;
export type IncidentState = (typeof STATES)[number];

export const TRANSITIONS: Record<IncidentState, IncidentState[]> = {
  Detected: ['Triaged'],
  Triaged: ['Investigating'],
  Investigating: ['Identified', 'Escalated'],
  Escalated: ['Identified'],
  Identified: ['Mitigating'],
  Mitigating: ['Resolved'],
  Resolved: ['PostMortem'],
  PostMortem: [],
};

export const OPEN_STATES: IncidentState[] = STATES.filter((s) => s !== 'Resolved' && s !== 'PostMortem');

export function canTransition(from: IncidentState, to: IncidentState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** MTTR target of the plan (§1.1). */
export const MTTR_TARGET_MINUTES = 30;

/** The level from the alert's `priority` label; without one, from `severity` (critical P2, warning P3). */
export function levelOf(labels: Record<string, string>): Level {
  const p = (labels.priority ?? '').toUpperCase();
  if ((LEVELS as readonly string[]).includes(p)) return p as Level;
  if (labels.severity === 'critical') return 'P2';
  if (labels.severity === 'warning') return 'P3';
  return 'P4';
}

const JST_OFFSET_MS = 9 * 3600_000;
const MINUTE = 60_000;

/** The next Monday–Friday after `at`'s JST date, at `hour`:00 JST. */
export function nextBusinessDayAt(at: Date, hour: number): Date {
  const jst = new Date(at.getTime() + JST_OFFSET_MS);
  const day = new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate()));
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6);
  return new Date(day.getTime() + hour * 3600_000 - JST_OFFSET_MS);
}

export interface Deadlines {
  responseDueAt: Date;
  escalateAt: Date | null;
}

export function deadlinesFor(level: Level, detectedAt: Date): Deadlines {
  const t = detectedAt.getTime();
  switch (level) {
    case 'P1':
      return { responseDueAt: new Date(t + 15 * MINUTE), escalateAt: detectedAt };
    case 'P2':
      return { responseDueAt: new Date(t + 30 * MINUTE), escalateAt: new Date(t + 60 * MINUTE) };
    case 'P3':
      return { responseDueAt: new Date(t + 4 * 60 * MINUTE), escalateAt: nextBusinessDayAt(detectedAt, 9) };
    case 'P4':
      return { responseDueAt: nextBusinessDayAt(detectedAt, 18), escalateAt: null };
  }
}
