/**
 * Browsing inside a folder of a set (product.md F5.4): only what the set's rules allow is listed
 * (`/audit-sets/{id}/items/{itemId}/children?folderId=`), page by page. Breadcrumbs run from the
 * set's folder down, never above it.
 */

import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import type { SetChild } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatBytes, formatDateTime } from '../../ui/format.ts';
import { ItemIcon } from '../../ui/item-icon.tsx';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { useFolderDetails } from '../files/files-api.ts';
import { useAuditSet, useSetChildren, useSetItem } from './audit-sets-api.ts';
import { itemHref } from './set-items-table.tsx';
import { boxStatusLabel } from './set-labels.ts';
import { VerificationBadge } from './verification-badge.tsx';

export function SetFolderPage() {
  const { setId = '', itemId = '' } = useParams();
  const [params] = useSearchParams();
  const folderId = params.get('folder') ?? itemId;
  // A new folder is a new page: its heading takes focus (PageHeading), its listing starts over.
  return (
    <SetFolderView key={`${setId}:${itemId}:${folderId}`} setId={setId} itemId={itemId} folderId={folderId} />
  );
}

function SetFolderView({ setId, itemId, folderId }: { setId: string; itemId: string; folderId: string }) {
  const { t } = useTranslation();
  const set = useAuditSet(setId);
  const top = useSetItem(setId, itemId);
  const inner = folderId !== itemId;
  const folder = useFolderDetails(folderId, setId, inner);
  const children = useSetChildren(setId, itemId, folderId);

  // From the set's folder down to this one (the folders above it are not part of the set).
  const trail =
    inner && folder.data
      ? folder.data.path.slice(Math.max(0, folder.data.path.findIndex((p) => p.id === itemId) + 1))
      : [];
  const name = inner ? (folder.data?.name ?? '') : (top.data?.name ?? '');
  const rows = children.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section className="page">
      <nav aria-label={t('browse.breadcrumbs')} className="breadcrumbs">
        <ol>
          <li>
            <Link to="/audit-sets">{t('sets.title')}</Link>
          </li>
          <li>
            <Link to={`/audit-sets/${setId}`}>{set.data?.name ?? t('sets.thisSet')}</Link>
          </li>
          {inner ? (
            <li>
              <Link to={itemHref(setId, { type: 'folder', id: itemId })}>{top.data?.name ?? itemId}</Link>
            </li>
          ) : null}
          {trail.map((p) => (
            <li key={p.id}>
              <Link to={itemHref(setId, { type: 'folder', id: p.id }, itemId)}>{p.name}</Link>
            </li>
          ))}
        </ol>
      </nav>
      {name ? <PageHeading>{name}</PageHeading> : <Loading />}
      <p className="muted">{t('browse.intro')}</p>
      <ErrorAlert error={set.error ?? top.error ?? folder.error ?? children.error} />
      {children.isPending ? <Loading /> : null}
      {children.data && rows.length === 0 ? <p className="empty">{t('browse.empty')}</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap" aria-busy={children.isFetching}>
          <SetChildrenTable setId={setId} topId={itemId} rows={rows} />
        </div>
      ) : null}
      {children.hasNextPage ? (
        <div className="actions start">
          <button
            type="button"
            className="button secondary"
            disabled={children.isFetchingNextPage}
            onClick={() => void children.fetchNextPage()}
          >
            {children.isFetchingNextPage ? t('common.loading') : t('browse.loadMore')}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function SetChildrenTable({ setId, topId, rows }: { setId: string; topId: string; rows: SetChild[] }) {
  const { t, i18n } = useTranslation();
  return (
    <table className="data-table">
      <caption className="visually-hidden">{t('browse.tableCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('items.name')}</th>
          <th scope="col">{t('items.inBox')}</th>
          <th scope="col">{t('items.modified')}</th>
          <th scope="col">{t('items.size')}</th>
          <th scope="col">{t('items.verification')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id}>
            <th scope="row" data-label={t('items.name')} className="break">
              <ItemIcon type={c.type} />
              <Link to={itemHref(setId, { type: c.type, id: c.id }, topId)}>{c.name}</Link>
              {c.type === 'folder' ? (
                <span className="hint block">
                  {c.fullyAllowed ? t('items.folder') : t('browse.partlyShown')}
                </span>
              ) : null}
            </th>
            <td data-label={t('items.inBox')}>
              <span className={c.status === 'active' ? '' : 'badge badge-danger'}>
                {boxStatusLabel(t, c.status)}
              </span>
            </td>
            <td data-label={t('items.modified')}>{formatDateTime(c.modifiedAt, i18n.language)}</td>
            <td data-label={t('items.size')}>{formatBytes(c.size, i18n.language)}</td>
            <td data-label={t('items.verification')}>
              {c.type === 'file' ? <VerificationBadge verification={c.verification} /> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
