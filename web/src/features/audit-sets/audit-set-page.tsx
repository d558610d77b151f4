/**
 * One audit set: what it is, who owns it, and its items with their monitoring state (polled while a
 * baseline is being recorded), live Box state and verification. Editors add and remove items;
 * owners, co-owners and audit admins manage the set; access logs for those who may see them.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import type { SetItem } from '../../api/api-types.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { StartSetVerification } from '../set-verification/start-set-verification.tsx';
import {
  isPending,
  setPermissions,
  useAuditSet,
  useFavourite,
  useRemoveItem,
  useSetItems,
} from './audit-sets-api.ts';
import { SetItemsTable } from './set-items-table.tsx';
import { setRoleLabel } from './set-labels.ts';
import { noticeFromState, type SetNotice } from './set-notice.ts';

export function AuditSetPage() {
  const { setId = '' } = useParams();
  return <AuditSetView key={setId} setId={setId} />;
}

function AuditSetView({ setId }: { setId: string }) {
  const { t, i18n } = useTranslation();
  const me = useCurrentUser();
  const location = useLocation();
  const set = useAuditSet(setId);
  const items = useSetItems(setId);
  const favourite = useFavourite();
  const remove = useRemoveItem(setId);
  const [removing, setRemoving] = useState<SetItem | null>(null);
  const [notice, setNotice] = useState<SetNotice | null>(() => noticeFromState(location.state));

  if (set.isPending) return <Loading />;
  if (set.isError) {
    return (
      <section className="page">
        <PageHeading>{t('sets.notAvailable')}</PageHeading>
        <ErrorAlert error={set.error} />
        <Link to="/audit-sets">{t('sets.backToList')}</Link>
      </section>
    );
  }
  const s = set.data;
  const may = setPermissions(me, s);
  const pending = (items.data ?? []).filter(isPending).length;

  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link>
      </p>
      <div className="page-title-row">
        <PageHeading>{s.name}</PageHeading>
        <div className="row-actions">
          <button
            type="button"
            className="button secondary"
            aria-pressed={s.favourite}
            onClick={() => favourite.mutate({ id: s.id, favourite: !s.favourite })}
          >
            <span aria-hidden="true">{s.favourite ? '★' : '☆'}</span> {t('sets.favourite')}
          </button>
          {/* Every reader of the set may verify it and read its runs (F6.5); the API decides. */}
          <StartSetVerification setId={s.id} className="button secondary" />
          <Link className="button secondary" to={`/audit-sets/${s.id}/verifications`}>
            {t('setVerification.runsLink')}
          </Link>
          {may.viewAccessLogs ? (
            <Link className="button secondary" to={`/audit-sets/${s.id}/access-log`}>
              {t('sets.accessLog')}
            </Link>
          ) : null}
          {may.editSet ? (
            <Link className="button secondary" to={`/audit-sets/${s.id}/manage`}>
              {t('sets.manage')}
            </Link>
          ) : null}
        </div>
      </div>
      {s.description ? <p className="set-description">{s.description}</p> : null}
      <dl className="facts">
        <div>
          <dt>{t('sets.owner')}</dt>
          <dd>{s.owner ? `${s.owner.name} (${s.owner.email})` : t('sets.noOwner')}</dd>
        </div>
        <div>
          <dt>{t('sets.myRole')}</dt>
          <dd>{s.myRole ? setRoleLabel(t, s.myRole) : t('sets.adminAccess')}</dd>
        </div>
        <div>
          <dt>{t('sets.created')}</dt>
          <dd>{formatDateTime(s.createdAt, i18n.language)}</dd>
        </div>
        <div>
          <dt>{t('sets.items')}</dt>
          <dd>{formatNumber(s.itemCount, i18n.language)}</dd>
        </div>
      </dl>
      <StatusMessage message={notice ? t(notice.key, { name: notice.name }) : null} />
      <ErrorAlert error={favourite.error} />

      <section className="panel" aria-labelledby="set-items-title">
        <div className="page-title-row">
          <h2 id="set-items-title">{t('items.title')}</h2>
          {may.editItems ? (
            <Link className="button primary" to={`/audit-sets/${s.id}/add`}>
              {t('items.add')}
            </Link>
          ) : null}
        </div>
        <p role="status" className={pending > 0 ? 'hint' : 'alert-empty'}>
          {pending > 0 ? t('items.baselinePending', { n: formatNumber(pending, i18n.language) }) : ''}
        </p>
        <ErrorAlert error={items.error} />
        {items.isPending ? <Loading /> : null}
        {items.data?.length === 0 ? (
          <p className="empty">{may.editItems ? t('items.noneEditor') : t('items.none')}</p>
        ) : null}
        {items.data && items.data.length > 0 ? (
          <div className="table-wrap">
            <SetItemsTable
              setId={s.id}
              items={items.data}
              canEdit={may.editItems}
              onRemove={(item) => {
                remove.reset();
                setRemoving(item);
              }}
            />
          </div>
        ) : null}
      </section>

      {removing ? (
        <ConfirmDialog
          title={t('items.removeTitle', { name: removing.name })}
          message={t('items.removeMessage', { set: s.name })}
          confirmLabel={t('items.remove')}
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            remove.mutate(removing.itemId, {
              onSuccess: () => {
                setNotice({ key: 'items.removedMessage', name: removing.name });
                setRemoving(null);
              },
            })
          }
        />
      ) : null}
    </section>
  );
}
