/** Version history including the current version (product.md F4.3), newest first, paged. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DownloadLink } from '../../ui/download-link.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatBytes, formatDateTime } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { contentUrl, useFileVersions } from './files-api.ts';

export function FileVersions({ fileId, setId }: { fileId: string; setId: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [cursor, setCursor] = useState<string | undefined>();
  const versions = useFileVersions(fileId, setId, cursor);
  const page = versions.data;
  return (
    <section className="panel" aria-labelledby="file-versions-title">
      <h2 id="file-versions-title">{t('files.versions')}</h2>
      <ErrorAlert error={versions.error} />
      {versions.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? <p className="empty">{t('files.noVersions')}</p> : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={versions.isFetching}>
          <table className="data-table">
            <caption className="visually-hidden">{t('files.versions')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('files.version')}</th>
                <th scope="col">{t('files.modified')}</th>
                <th scope="col">{t('files.modifiedBy')}</th>
                <th scope="col">{t('files.size')}</th>
                <th scope="col">{t('files.sha1')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((v) => (
                <tr key={v.id}>
                  <th scope="row" data-label={t('files.version')}>
                    {v.versionNumber ?? '?'}
                    {v.current ? <span className="tag">{t('files.current')}</span> : null}
                    {v.trashedAt ? (
                      <span className="badge badge-danger">{t('files.versionTrashed')}</span>
                    ) : null}
                    <span className="hint block break">{v.id}</span>
                  </th>
                  <td data-label={t('files.modified')}>
                    {formatDateTime(v.modifiedAt ?? v.createdAt, i18n.language)}
                  </td>
                  <td data-label={t('files.modifiedBy')} className="break">
                    {v.modifiedBy?.name ?? v.uploaderDisplayName ?? ''}
                  </td>
                  <td data-label={t('files.size')}>{formatBytes(v.size, i18n.language)}</td>
                  <td data-label={t('files.sha1')}>
                    <code className="break">{v.sha1}</code>
                  </td>
                  <td data-label={t('common.actions')}>
                    {v.trashedAt ? null : (
                      <DownloadLink
                        className="button small secondary"
                        href={contentUrl('content', fileId, {
                          setId,
                          versionId: v.current ? undefined : v.id,
                        })}
                      >
                        {t('files.downloadVersion')}
                        <span className="visually-hidden">: {v.versionNumber ?? v.id}</span>
                      </DownloadLink>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page ? (
        <Pager
          label={t('files.versionPages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
