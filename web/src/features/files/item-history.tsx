/**
 * An item's event history (product.md F3.2), including events from before it joined any audit set:
 * filters (time range in the user's time zone, event type, order) and pages both ways.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { eventTypeLabel } from '../events/event-labels.ts';
import { useEventStats } from '../events/events-api.ts';
import { EventsTable } from '../events/events-table.tsx';
import { localInputToIso } from '../events/time-range.ts';
import { TimeRangeFields } from '../events/time-range-fields.tsx';
import { type HistoryFilters, useItemHistory } from './files-api.ts';

/** History reaches back to the beginning; so do the type choices. */
const BEGINNING = '2000-01-01T00:00:00Z';

export function ItemHistory({ itemId, setId }: { itemId: string; setId: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [filters, setFilters] = useState<HistoryFilters>({
    from: undefined,
    to: undefined,
    type: undefined,
    actor: undefined,
    order: 'desc',
  });
  const [range, setRange] = useState({ from: '', to: '' });
  const [type, setType] = useState('');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [cursor, setCursor] = useState<string | undefined>();
  const history = useItemHistory(itemId, filters, cursor);
  const types = useEventStats({
    item: itemId,
    from: filters.from ?? BEGINNING,
    to: filters.to,
    auditSet: setId,
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    setFilters({
      from: localInputToIso(range.from),
      to: localInputToIso(range.to),
      type: type || undefined,
      actor: undefined,
      order,
    });
    setCursor(undefined);
  }

  const page = history.data;
  return (
    <section className="panel" aria-labelledby="item-history-title">
      <h2 id="item-history-title">{t('files.history')}</h2>
      <search aria-label={t('files.historyFilters')}>
        <form className="filters" onSubmit={submit}>
          <TimeRangeFields value={range} onChange={setRange} />
          <SelectField
            label={t('events.typeFilter')}
            value={type}
            onChange={setType}
            options={[
              { value: '', label: t('events.allTypes') },
              ...(types.data?.perType ?? []).map((p) => ({
                value: p.type,
                label: eventTypeLabel(t, i18n, p.type),
              })),
              ...(type && !types.data?.perType.some((p) => p.type === type)
                ? [{ value: type, label: type }]
                : []),
            ]}
          />
          <SelectField
            label={t('events.order')}
            value={order}
            onChange={(v) => setOrder(v === 'asc' ? 'asc' : 'desc')}
            options={[
              { value: 'desc', label: t('events.newestFirst') },
              { value: 'asc', label: t('events.oldestFirst') },
            ]}
          />
          <div className="actions start filter-actions">
            <button type="submit" className="button primary">
              {t('events.apply')}
            </button>
          </div>
        </form>
      </search>
      <ErrorAlert error={history.error} />
      {history.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? <p className="empty">{t('files.noHistory')}</p> : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={history.isFetching}>
          <EventsTable events={page.items} caption={t('files.history')} showItem={false} />
        </div>
      ) : null}
      {page ? (
        <Pager
          label={t('files.historyPages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
