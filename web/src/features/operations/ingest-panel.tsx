/**
 * Event ingestion of the organisation: who ingests, how fresh the stored events are (the lag as
 * auditor_box_ingest_lag_seconds measures it, with what it is measured from), the cursor's times,
 * and events per UTC day over the last fortnight as a chart with its table.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { EventsChart } from '../events/events-chart.tsx';
import { formatDuration } from './duration.ts';
import { type IngestStatus, useIngestStatus } from './operations-api.ts';

const LAG_NOTES = {
  'caught-up': 'operations.ingest.lagCaughtUp',
  'newest-event': 'operations.ingest.lagNewestEvent',
  none: 'operations.ingest.lagNone',
} as const;

function IngestFacts({ status }: { status: IngestStatus['ingestion'] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const when = (iso: string | null) => (iso ? formatDateTime(iso, lang) : t('operations.never'));
  const state = !status.started
    ? t('operations.ingest.notStarted')
    : status.leader
      ? t('operations.ingest.running')
      : t('operations.ingest.noLeader');
  return (
    <dl className="facts">
      <div>
        <dt>{t('operations.ingest.state')}</dt>
        <dd>
          <span className={`badge ${status.started && status.leader ? 'badge-ok' : 'badge-muted'}`}>
            {state}
          </span>
        </dd>
      </div>
      <div>
        <dt>{t('operations.ingest.lag')}</dt>
        <dd>
          <strong>{formatDuration(status.lagSeconds, lang)}</strong>{' '}
          <span className="muted">{t(LAG_NOTES[status.lagReference])}</span>
        </dd>
      </div>
      <div>
        <dt>{t('operations.ingest.lastPoll')}</dt>
        <dd>{when(status.lastPollAt)}</dd>
      </div>
      <div>
        <dt>{t('operations.ingest.caughtUp')}</dt>
        <dd>{when(status.caughtUpAt)}</dd>
      </div>
      <div>
        <dt>{t('operations.ingest.newestEvent')}</dt>
        <dd>{when(status.newestEventAt)}</dd>
      </div>
      <div>
        <dt>{t('operations.ingest.eventsStored')}</dt>
        <dd>{formatNumber(status.eventsStored, lang)}</dd>
      </div>
      <div>
        <dt>{t('operations.ingest.backfills')}</dt>
        <dd>{formatNumber(status.backfillsRunning, lang)}</dd>
      </div>
      <div>
        <dt>{t('operations.ingest.pollInterval')}</dt>
        <dd>{formatDuration(status.pollIntervalSeconds, lang)}</dd>
      </div>
      <div>
        <dt>{t('operations.ingest.thisServer')}</dt>
        <dd>{status.enabledHere ? t('operations.on') : t('operations.off')}</dd>
      </div>
      <div>
        <dt>{t('operations.ingest.leader')}</dt>
        <dd>{status.leader ? <code className="break">{status.leader}</code> : t('operations.none')}</dd>
      </div>
      {status.lastError ? (
        <div>
          <dt>{t('operations.ingest.lastError')}</dt>
          <dd>{status.lastError}</dd>
        </div>
      ) : null}
    </dl>
  );
}

export function IngestPanel() {
  const { t } = useTranslation();
  const headingId = useId();
  const ingest = useIngestStatus();
  const perDay = ingest.data?.eventsPerDay;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('operations.ingest.title')}</h2>
      <ErrorAlert error={ingest.error} />
      {ingest.isPending ? <Loading /> : null}
      {ingest.data ? <IngestFacts status={ingest.data.ingestion} /> : null}
      {perDay ? (
        <>
          <h3>{t('operations.ingest.perDayTitle')}</h3>
          <EventsChart
            stats={{
              // The chart counts days inclusively; the API's `to` is the exclusive end of the last day.
              from: perDay.from,
              to: `${perDay.days[perDay.days.length - 1]?.day ?? perDay.from.slice(0, 10)}T00:00:00.000Z`,
              timeZone: 'UTC',
              total: perDay.total,
              perDay: perDay.days,
              perType: [],
            }}
          />
        </>
      ) : null}
    </section>
  );
}
