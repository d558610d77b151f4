/**
 * An age or a lag in seconds as the language writes it, in the largest unit that keeps it readable
 * ("45 sec", "12 min", "3 hr", "2 days"; 「45 秒」「12 分」…): Intl's own unit names, so the
 * catalogues need no plural forms.
 */
type Unit = 'second' | 'minute' | 'hour' | 'day';

const STEPS: readonly { unit: Unit; seconds: number; below: number }[] = [
  { unit: 'second', seconds: 1, below: 120 },
  { unit: 'minute', seconds: 60, below: 120 * 60 },
  { unit: 'hour', seconds: 3600, below: 48 * 3600 },
  { unit: 'day', seconds: 86_400, below: Number.POSITIVE_INFINITY },
];

export function formatDuration(seconds: number, language: string): string {
  const step = STEPS.find((s) => seconds < s.below) ?? STEPS[STEPS.length - 1]!;
  return new Intl.NumberFormat(language, {
    style: 'unit',
    unit: step.unit,
    unitDisplay: 'short',
    maximumFractionDigits: step.unit === 'second' ? 0 : 1,
  }).format(seconds / step.seconds);
}
