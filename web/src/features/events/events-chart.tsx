/**
 * Events per day as a plain SVG bar chart (no chart library), with the same numbers as a table for
 * screen readers and anyone who prefers figures. Days without events are shown as zero.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventStats } from '../../api/api-types.ts';
import { formatDay, formatNumber } from '../../ui/format.ts';
import { daysBetween } from './time-range.ts';

const HEIGHT = 160;

export function EventsChart({ stats }: { stats: EventStats }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const counts = new Map(stats.perDay.map((d) => [d.day, d.count]));
  const range = daysBetween(stats.from, stats.to, stats.timeZone);
  const days = range.length < 400 ? range : stats.perDay.map((d) => d.day);
  const rows = days.map((day) => ({ day, count: counts.get(day) ?? 0 }));
  const max = Math.max(1, ...rows.map((r) => r.count));
  const width = Math.max(rows.length * 12, 240);
  const barWidth = width / Math.max(rows.length, 1);
  const labelEvery = Math.max(1, Math.ceil(rows.length / 8));
  const summary = t('events.chartSummary', {
    total: formatNumber(stats.total, i18n.language),
    days: formatNumber(rows.length, i18n.language),
  });

  return (
    <figure className="chart" aria-labelledby={titleId}>
      <figcaption id={titleId}>
        <strong>{t('events.chartTitle')}</strong> <span className="muted">{summary}</span>
      </figcaption>
      <svg
        className="chart-svg"
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${t('events.chartTitle')}: ${summary}`}
      >
        <line x1={0} x2={width} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} className="chart-axis" />
        {rows.map((r, i) => {
          const h = (r.count / max) * (HEIGHT - 8);
          return (
            <g key={r.day}>
              <rect
                x={i * barWidth + barWidth * 0.15}
                y={HEIGHT - h}
                width={barWidth * 0.7}
                height={h}
                className="chart-bar"
              >
                <title>{`${formatDay(r.day, i18n.language)}: ${formatNumber(r.count, i18n.language)}`}</title>
              </rect>
            </g>
          );
        })}
      </svg>
      <div className="chart-labels" aria-hidden="true">
        {rows.map((r, i) =>
          i % labelEvery === 0 ? (
            <span key={r.day} style={{ left: `${((i + 0.5) / rows.length) * 100}%` }}>
              {r.day.slice(5)}
            </span>
          ) : null,
        )}
      </div>
      <details className="chart-table">
        <summary>{t('events.chartAsTable')}</summary>
        <table className="data-table compact">
          <caption className="visually-hidden">{t('events.chartTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('events.day')}</th>
              <th scope="col">{t('events.count')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.day}>
                <th scope="row" data-label={t('events.day')}>
                  {formatDay(r.day, i18n.language)}
                </th>
                <td data-label={t('events.count')}>{formatNumber(r.count, i18n.language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
