/**
 * Copies: other files (and versions) with the same content (sha1) across the organisation, as far as
 * the user may see them; trashed and deleted ones are marked (product.md F4.4).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { useFileCopies } from './files-api.ts';

export function FileCopies({ fileId, setId }: { fileId: string; setId: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [cursor, setCursor] = useState<string | undefined>();
  const copies = useFileCopies(fileId, setId, cursor);
  const page = copies.data;
  const search = setId ? `?setId=${encodeURIComponent(setId)}` : '';
  return (
    <section className="panel" aria-labelledby="file-copies-title">
      <h2 id="file-copies-title">{t('files.copies')}</h2>
      <ErrorAlert error={copies.error} />
      {copies.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? <p className="empty">{t('files.noCopies')}</p> : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={copies.isFetching}>
          <table className="data-table">
            <caption className="visually-hidden">{t('files.copies')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('items.name')}</th>
                <th scope="col">{t('files.path')}</th>
                <th scope="col">{t('files.status')}</th>
                <th scope="col">{t('files.lastSeen')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c) => (
                <tr key={`${c.fileId}:${c.versionId}`}>
                  <th scope="row" data-label={t('items.name')} className="break">
                    <Link to={`/files/${encodeURIComponent(c.fileId)}${search}`}>{c.name ?? c.fileId}</Link>
                    <span className="hint block">
                      {c.currentVersion ? t('files.copyCurrent') : t('files.copyOlderVersion')}
                    </span>
                  </th>
                  <td data-label={t('files.path')} className="break">
                    {c.path.map((p) => p.name).join(' / ') || '—'}
                  </td>
                  <td data-label={t('files.status')}>
                    <span className={c.status === 'active' ? 'badge badge-ok' : 'badge badge-danger'}>
                      {t(`copyStatus.${c.status}`)}
                    </span>
                  </td>
                  <td data-label={t('files.lastSeen')}>{formatDateTime(c.lastSeenAt, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page ? (
        <Pager
          label={t('files.copyPages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
