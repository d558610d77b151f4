/**
 * My audit sets (product.md F5.6): the sets the user collaborates on (all of them for audit admins),
 * with filters (new and in review for external auditors, favourites, deleted sets for audit admins),
 * a search, pages, favourites; audit admins create sets here and restore deleted ones.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearchParams } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { AuditSetCards } from './audit-set-cards.tsx';
import { AuditSetFilters } from './audit-set-filters.tsx';
import { SET_FILTERS, useAuditSets, useFavourite, useRestoreSet } from './audit-sets-api.ts';

export function MyAuditSetsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const admin = me.roles.includes('AUDIT_ADMIN');
  const auditor = me.roles.includes('EXTERNAL_AUDITOR');
  const filters = SET_FILTERS.filter((f) => {
    if (f === 'new' || f === 'in_review') return auditor;
    if (f === 'deleted') return admin;
    return true;
  });
  const [params, setParams] = useSearchParams();
  const filter = filters.find((f) => f === params.get('filter')) ?? 'all';
  const q = params.get('q') ?? '';
  const [cursor, setCursor] = useState<string | undefined>();
  const [shown, setShown] = useState({ filter, q });
  if (shown.filter !== filter || shown.q !== q) {
    // A new filter or search starts at the first page.
    setShown({ filter, q });
    setCursor(undefined);
  }
  const sets = useAuditSets(filter, q, cursor);
  const favourite = useFavourite();
  const restore = useRestoreSet();
  const location = useLocation();
  const [notice, setNotice] = useState<{
    key: 'sets.restoredMessage' | 'sets.deletedMessage';
    name: string;
  } | null>(() => {
    const deleted = (location.state as { deleted?: unknown } | null)?.deleted;
    return typeof deleted === 'string' ? { key: 'sets.deletedMessage', name: deleted } : null;
  });

  function search(next: string) {
    const p = new URLSearchParams();
    if (filter !== 'all') p.set('filter', filter);
    if (next) p.set('q', next);
    setParams(p);
  }

  const page = sets.data;
  return (
    <section className="page">
      <div className="page-title-row">
        <PageHeading>{t('sets.title')}</PageHeading>
        {admin ? (
          <Link to="/audit-sets/new" className="button primary">
            {t('sets.new')}
          </Link>
        ) : null}
      </div>
      <p className="muted">
        {auditor ? t('sets.introAuditor') : admin ? t('sets.introAdmin') : t('sets.introUser')}
      </p>
      <AuditSetFilters filters={filters} current={filter} q={q} onSearch={search} />
      <StatusMessage message={notice ? t(notice.key, { name: notice.name }) : null} />
      <ErrorAlert error={sets.error ?? favourite.error ?? restore.error} />
      {sets.isPending ? <Loading /> : null}
      {page && page.items.length === 0 ? (
        <p className="empty">{q || filter !== 'all' ? t('sets.noneFound') : t('sets.none')}</p>
      ) : null}
      {page && page.items.length > 0 ? (
        <AuditSetCards
          sets={page.items}
          busy={sets.isFetching}
          actions={{
            onFavourite: (s) => favourite.mutate({ id: s.id, favourite: !s.favourite }),
            onRestore: (s) => {
              setNotice(null);
              restore.mutate(s.id, {
                onSuccess: () => setNotice({ key: 'sets.restoredMessage', name: s.name }),
              });
            },
          }}
        />
      ) : null}
      {page ? (
        <Pager
          label={t('sets.pages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
