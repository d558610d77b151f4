/** Events as a table (cards on narrow screens): when, what, who, which item, from where. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { BoxEvent } from '../../api/api-types.ts';
import { formatDateTime } from '../../ui/format.ts';
import { eventTypeLabel } from './event-labels.ts';

export function EventsTable({
  events,
  caption,
  showItem = true,
  setId,
}: {
  events: BoxEvent[];
  caption: string;
  showItem?: boolean;
  /** Set context for links to files (external auditors open files through a set). */
  setId?: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  return (
    <table className="data-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('events.when')}</th>
          <th scope="col">{t('events.type')}</th>
          <th scope="col">{t('events.actor')}</th>
          {showItem ? <th scope="col">{t('events.item')}</th> : null}
          <th scope="col">{t('events.ipAddress')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.eventId}>
            <th scope="row" data-label={t('events.when')}>
              <time dateTime={e.createdAt}>{formatDateTime(e.createdAt, i18n.language)}</time>
            </th>
            <td data-label={t('events.type')}>{eventTypeLabel(t, i18n, e.type)}</td>
            <td data-label={t('events.actor')} className="break">
              {e.actor ? (
                <>
                  {e.actor.name ?? e.actor.id}
                  {e.actor.login ? <span className="hint block">{e.actor.login}</span> : null}
                </>
              ) : (
                <span className="muted">{t('events.noActor')}</span>
              )}
            </td>
            {showItem ? (
              <td data-label={t('events.item')} className="break">
                {e.item ? <EventItem item={e.item} setId={setId} /> : <span className="muted">—</span>}
              </td>
            ) : null}
            <td data-label={t('events.ipAddress')}>{e.ipAddress ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EventItem({ item, setId }: { item: NonNullable<BoxEvent['item']>; setId: string | undefined }) {
  const { t } = useTranslation();
  const name = item.name ?? item.id;
  if (item.type === 'file') {
    const search = setId ? `?setId=${encodeURIComponent(setId)}` : '';
    return <Link to={`/files/${encodeURIComponent(item.id)}${search}`}>{name}</Link>;
  }
  return (
    <>
      {name}
      <span className="hint block">{item.type === 'folder' ? t('items.folder') : item.type}</span>
    </>
  );
}
