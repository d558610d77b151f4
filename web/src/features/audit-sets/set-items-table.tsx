/**
 * The set's top-level items (product.md F5.4): name (files open their details, folders open the
 * browser of their allowed content), type, monitoring state, live Box state, last change, size, last
 * verification; editors may change a folder's allow-list or remove an item.
 */

import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { SetItem } from '../../api/api-types.ts';
import { formatBytes, formatDateTime } from '../../ui/format.ts';
import { ItemIcon } from '../../ui/item-icon.tsx';
import { ItemStatusBadge } from './item-status-badge.tsx';
import { boxStatusLabel } from './set-labels.ts';
import { VerificationBadge } from './verification-badge.tsx';

export function itemHref(
  setId: string,
  item: { type: 'file' | 'folder'; id: string },
  topId?: string,
): string {
  if (item.type === 'file') return `/files/${encodeURIComponent(item.id)}?setId=${encodeURIComponent(setId)}`;
  const top = topId ?? item.id;
  const folder = topId && topId !== item.id ? `?folder=${encodeURIComponent(item.id)}` : '';
  return `/audit-sets/${setId}/items/${encodeURIComponent(top)}${folder}`;
}

export function SetItemsTable({
  setId,
  items,
  canEdit,
  onRemove,
}: {
  setId: string;
  items: SetItem[];
  canEdit: boolean;
  onRemove: (item: SetItem) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <table className="data-table">
      <caption className="visually-hidden">{t('items.tableCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('items.name')}</th>
          <th scope="col">{t('items.monitoring')}</th>
          <th scope="col">{t('items.inBox')}</th>
          <th scope="col">{t('items.modified')}</th>
          <th scope="col">{t('items.size')}</th>
          <th scope="col">{t('items.verification')}</th>
          {canEdit ? <th scope="col">{t('common.actions')}</th> : null}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={item.itemId}>
            <th scope="row" data-label={t('items.name')} className="break">
              <ItemIcon type={item.type} />
              <Link to={itemHref(setId, { type: item.type, id: item.itemId })}>{item.name}</Link>
              <span className="hint block">
                {item.type === 'folder'
                  ? item.rules.length === 0
                    ? t('items.wholeFolder')
                    : t('items.partOfFolder')
                  : t('items.file')}
              </span>
            </th>
            <td data-label={t('items.monitoring')}>
              <ItemStatusBadge item={item} />
            </td>
            <td data-label={t('items.inBox')}>
              {item.live ? (
                <span className={item.live.status === 'active' ? '' : 'badge badge-danger'}>
                  {boxStatusLabel(t, item.live.status)}
                </span>
              ) : (
                <span className="muted">{t('items.unknownInBox')}</span>
              )}
            </td>
            <td data-label={t('items.modified')}>{formatDateTime(item.live?.modifiedAt, i18n.language)}</td>
            <td data-label={t('items.size')}>{formatBytes(item.live?.size, i18n.language)}</td>
            <td data-label={t('items.verification')}>
              {item.type === 'file' ? <VerificationBadge verification={item.verification} /> : null}
            </td>
            {canEdit ? (
              <td data-label={t('common.actions')}>
                <div className="row-actions">
                  {item.type === 'folder' ? (
                    <Link
                      className="button small secondary"
                      to={`/audit-sets/${setId}/items/${encodeURIComponent(item.itemId)}/allow-list`}
                    >
                      {t('items.editAllowList')}
                      <span className="visually-hidden">: {item.name}</span>
                    </Link>
                  ) : null}
                  <button type="button" className="button small danger" onClick={() => onRemove(item)}>
                    {t('items.remove')}
                    <span className="visually-hidden">: {item.name}</span>
                  </button>
                </div>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
