/**
 * The SLO summary of `auditor ops slo` (30-day SLI, objective, error budget left and the plan's
 * policy), read by the server from Prometheus. Without a configured Prometheus the panel says so and
 * how to configure it: the product keeps no SLO history of its own, so there is nothing else to show.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { type SloLine, useSloSummary } from './operations-api.ts';

const POLICIES = {
  normal: 'operations.policies.normal',
  'feature-freeze': 'operations.policies.featureFreeze',
  'incidents-only': 'operations.policies.incidentsOnly',
  'service-freeze': 'operations.policies.serviceFreeze',
  unknown: 'operations.policies.unknown',
} as const;

function percent(ratio: number | null, language: string, digits: number): string {
  if (ratio === null) return '—';
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: digits }).format(ratio);
}

function SloTable({ slos, at }: { slos: SloLine[]; at: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const cols = {
    slo: t('operations.slo.slo'),
    service: t('operations.slo.service'),
    objective: t('operations.slo.objective'),
    sli: t('operations.slo.sli'),
    budget: t('operations.slo.budget'),
    minutes: t('operations.slo.minutesLeft'),
    policy: t('operations.slo.policy'),
  };
  return (
    <div className="table-wrap">
      <table className="data-table">
        <caption>{t('operations.slo.caption', { time: formatDateTime(at, lang) })}</caption>
        <thead>
          <tr>
            {Object.values(cols).map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {slos.map((s) => (
            <tr key={s.slo} className={s.policy === 'service-freeze' ? 'row-alarm' : undefined}>
              <th scope="row" data-label={cols.slo}>
                <code>{s.slo}</code>
              </th>
              <td data-label={cols.service}>{s.service}</td>
              <td data-label={cols.objective}>{percent(s.objective, lang, 3)}</td>
              <td data-label={cols.sli}>{percent(s.sli, lang, 3)}</td>
              <td data-label={cols.budget}>{percent(s.budgetRemaining, lang, 0)}</td>
              <td data-label={cols.minutes}>
                {s.budgetMinutesLeft === null || s.budgetMinutesTotal === null
                  ? '—'
                  : t('operations.slo.minutesValue', {
                      left: formatNumber(s.budgetMinutesLeft, lang),
                      total: formatNumber(s.budgetMinutesTotal, lang),
                    })}
              </td>
              <td data-label={cols.policy}>{t(POLICIES[s.policy])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SloPanel() {
  const { t } = useTranslation();
  const headingId = useId();
  const slo = useSloSummary();
  const data = slo.data;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('operations.slo.title')}</h2>
      <ErrorAlert error={slo.error} />
      {slo.isPending ? <Loading /> : null}
      {data && !data.configured ? (
        <>
          <p>{t('operations.slo.notConfigured')}</p>
          <p className="muted">
            {t('operations.slo.hintBefore')} <code>AUDITOR_PROMETHEUS_URL</code>{' '}
            {t('operations.slo.hintAfter')}
          </p>
        </>
      ) : null}
      {data?.configured && data.slos.length === 0 ? (
        <p className="empty">{t('operations.slo.none')}</p>
      ) : null}
      {data?.configured && data.slos.length > 0 ? <SloTable slos={data.slos} at={data.at} /> : null}
    </section>
  );
}
