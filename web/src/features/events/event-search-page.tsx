/**
 * Event search (product.md F3): every filter, keyset pages both ways, a per-day chart, and CSV/JSON
 * exports and a signed evidence bundle of the same search. Audit admins search the whole organisation; everyone else only what
 * their audit sets allow (the server scopes it). Filters live in the address (bookmarkable).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiDownloadButton } from '../../ui/api-download-button.tsx';
import { DownloadLink } from '../../ui/download-link.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { EventFiltersForm } from './event-filters.tsx';
import {
  type EventFilters,
  exportUrl,
  filtersFromParams,
  filtersToParams,
  useEventStats,
  useEvents,
} from './events-api.ts';
import { EventsChart } from './events-chart.tsx';
import { EventsTable } from './events-table.tsx';

export function EventSearchPage() {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const [cursor, setCursor] = useState<string | undefined>();
  const events = useEvents(filters, cursor);
  const stats = useEventStats(filters);
  // The type choices: every type in the range, whatever types are chosen now.
  const typeStats = useEventStats({ ...filters, type: undefined });

  function change(next: EventFilters) {
    setParams(filtersToParams(next), { replace: false });
    setCursor(undefined);
  }

  const page = events.data;
  return (
    <section className="page">
      <PageHeading>{t('events.title')}</PageHeading>
      <p className="muted">
        {me.roles.includes('AUDIT_ADMIN') ? t('events.introAdmin') : t('events.introScoped')}
      </p>
      <EventFiltersForm value={filters} onChange={change} typeCounts={typeStats.data?.perType ?? []} />
      <ErrorAlert error={events.error ?? stats.error} />
      {stats.data ? (
        <section className="panel" aria-labelledby="events-summary">
          <h2 id="events-summary" className="section-title">
            {t('events.summaryTitle', { total: formatNumber(stats.data.total, i18n.language) })}
          </h2>
          <p className="muted">
            {t('events.rangeShown', {
              from: formatDateTime(stats.data.from, i18n.language),
              to: formatDateTime(stats.data.to, i18n.language),
              zone: stats.data.timeZone,
            })}
          </p>
          <EventsChart stats={stats.data} />
          <div className="actions start">
            <DownloadLink className="button secondary" href={exportUrl(filters, 'csv')}>
              {t('events.exportCsv')}
            </DownloadLink>
            <DownloadLink className="button secondary" href={exportUrl(filters, 'json')}>
              {t('events.exportJson')}
            </DownloadLink>
            <ApiDownloadButton
              className="button secondary"
              path="/api/v1/events/bundle"
              query={{ ...filters, format: 'json' }}
            >
              {t('events.exportBundle')}
            </ApiDownloadButton>
          </div>
        </section>
      ) : null}
      {events.isPending ? <Loading /> : null}
      {page ? (
        page.items.length === 0 ? (
          <p className="empty">{t('events.noneFound')}</p>
        ) : (
          <div className="table-wrap" aria-busy={events.isFetching}>
            <EventsTable events={page.items} caption={t('events.tableCaption')} setId={filters.auditSet} />
          </div>
        )
      ) : null}
      {page ? (
        <Pager
          label={t('events.pages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
