/**
 * Adding to a set (owner, co-owner, member, audit admin): pick a file or a folder from your Box; a
 * file is added as it is, a folder with what you allow of it in the tri-state tree. The item then
 * shows as PENDING_BASELINE until its baseline is recorded.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { FolderEntry } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { useAddItem, useAuditSet } from '../audit-sets/audit-sets-api.ts';
import type { SetNotice } from '../audit-sets/set-notice.ts';
import { useCurrentUser } from '../session/session-api.ts';
import { BoxItemPicker } from './box-item-picker.tsx';
import { NewFolderAllowList } from './new-folder-allow-list.tsx';

export function AddSetItemPage() {
  const { setId = '' } = useParams();
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const set = useAuditSet(setId);
  const add = useAddItem(setId);
  const [picked, setPicked] = useState<FolderEntry | null>(null);
  const setName = set.data?.name ?? t('sets.thisSet');

  function added(name: string) {
    const notice: SetNotice = { key: 'items.addedMessage', name };
    navigate(`/audit-sets/${setId}`, { state: { notice } });
  }

  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/audit-sets/${setId}`}>{setName}</Link>
      </p>
      <PageHeading>{t('addItem.title', { name: setName })}</PageHeading>
      <ErrorAlert error={set.error} />
      {!me.boxUserId ? (
        <p className="alert alert-warning">{t('addItem.needsBox')}</p>
      ) : picked === null ? (
        <>
          <p className="muted">{t('addItem.intro')}</p>
          <BoxItemPicker
            onPick={(entry) => {
              add.reset();
              setPicked(entry);
            }}
          />
        </>
      ) : picked.type === 'folder' ? (
        <section className="panel" aria-labelledby="allow-title">
          <h2 id="allow-title">{t('addItem.chooseWhat', { name: picked.name })}</h2>
          <NewFolderAllowList
            setId={setId}
            folder={picked}
            onSaved={added}
            onCancel={() => setPicked(null)}
          />
        </section>
      ) : (
        <section className="panel" aria-labelledby="add-file-title">
          <h2 id="add-file-title">{t('addItem.addFileTitle', { name: picked.name })}</h2>
          <p>{t('addItem.addFileExplanation', { set: setName })}</p>
          <ErrorAlert error={add.error} />
          <div className="actions">
            <button type="button" className="button secondary" onClick={() => setPicked(null)}>
              {t('addItem.back')}
            </button>
            <button
              type="button"
              className="button primary"
              disabled={add.isPending}
              onClick={() =>
                add.mutate({ itemId: picked.id, type: 'file' }, { onSuccess: () => added(picked.name) })
              }
            >
              {add.isPending ? t('common.working') : t('addItem.addFile')}
            </button>
          </div>
        </section>
      )}
    </section>
  );
}
