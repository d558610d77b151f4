/**
 * Who viewed, previewed and downloaded what in a set (product.md F5.8), as recorded by the server;
 * for owners, co-owners, members and audit admins. Filter by item; pages both ways.
 */
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { AccessLogEntry } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useAccessLogs, useAuditSet, useSetItems } from './audit-sets-api.ts';
import { useItemNames } from './item-names.ts';
import { itemHref } from './set-items-table.tsx';

const ACTIONS = ['VIEW', 'PREVIEW', 'DOWNLOAD'] as const;

const entriesOf = (page: { items: AccessLogEntry[] } | undefined) => page?.items ?? [];

export function AccessLogPage() {
  const { setId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const itemId = params.get('item') ?? '';
  const [draft, setDraft] = useState(itemId);
  const [cursor, setCursor] = useState<string | undefined>();
  const [shownItem, setShownItem] = useState(itemId);
  if (shownItem !== itemId) {
    setShownItem(itemId);
    setDraft(itemId);
    setCursor(undefined);
  }
  const set = useAuditSet(setId);
  const items = useSetItems(setId);
  const logs = useAccessLogs(setId, itemId, cursor);
  const listId = useId();
  const names = useItemNames(setId, entriesOf(logs.data), items.data ?? []);

  function filter(next: string) {
    setParams(next ? { item: next } : {});
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    filter(draft.trim());
  }

  const actionLabel = (a: string) =>
    ACTIONS.includes(a as (typeof ACTIONS)[number])
      ? t(`accessLog.actions.${a as (typeof ACTIONS)[number]}`)
      : a;
  const page = logs.data;
  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/audit-sets/${setId}`}>{set.data?.name ?? t('sets.thisSet')}</Link>
      </p>
      <PageHeading>{t('accessLog.title', { name: set.data?.name ?? t('sets.thisSet') })}</PageHeading>
      <p className="muted">{t('accessLog.intro')}</p>
      <search aria-label={t('accessLog.filters')}>
        <form className="filters" onSubmit={submit}>
          <TextField
            label={t('accessLog.itemFilter')}
            hint={t('accessLog.itemHint')}
            value={draft}
            onChange={setDraft}
            list={listId}
            inputMode="numeric"
            maxLength={20}
          />
          <datalist id={listId}>
            {(items.data ?? []).map((i) => (
              <option key={i.itemId} value={i.itemId}>
                {i.name}
              </option>
            ))}
          </datalist>
          <div className="actions start filter-actions">
            <button type="submit" className="button primary">
              {t('accessLog.apply')}
            </button>
            {itemId ? (
              <button type="button" className="button secondary" onClick={() => filter('')}>
                {t('accessLog.allItems')}
              </button>
            ) : null}
          </div>
        </form>
      </search>
      <ErrorAlert error={set.error ?? logs.error} />
      {logs.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? <p className="empty">{t('accessLog.none')}</p> : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={logs.isFetching}>
          <table className="data-table">
            <caption className="visually-hidden">{t('accessLog.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('accessLog.when')}</th>
                <th scope="col">{t('accessLog.who')}</th>
                <th scope="col">{t('accessLog.action')}</th>
                <th scope="col">{t('accessLog.item')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((e) => (
                <tr key={e.id}>
                  <th scope="row" data-label={t('accessLog.when')}>
                    <time dateTime={e.at}>{formatDateTime(e.at, i18n.language)}</time>
                  </th>
                  <td data-label={t('accessLog.who')} className="break">
                    {e.user.name}
                    <span className="hint block">{e.user.email}</span>
                  </td>
                  <td data-label={t('accessLog.action')}>{actionLabel(e.action)}</td>
                  <td data-label={t('accessLog.item')} className="break">
                    {e.itemType === 'file' ? (
                      <Link to={itemHref(setId, { type: 'file', id: e.itemId })}>
                        {names.get(e.itemId) ?? e.itemId}
                      </Link>
                    ) : (
                      (names.get(e.itemId) ?? e.itemId)
                    )}
                    {itemId !== e.itemId ? (
                      <button type="button" className="button link small" onClick={() => filter(e.itemId)}>
                        {t('accessLog.onlyThisItem')}
                        <span className="visually-hidden">: {names.get(e.itemId) ?? e.itemId}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page ? (
        <Pager
          label={t('accessLog.pages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
