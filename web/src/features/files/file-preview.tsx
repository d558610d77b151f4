/**
 * Preview and download through our own API (product.md F4.6): the browser loads
 * `/api/v1/files/{id}/preview` in a frame (PDF, text) or an image element — never a Box URL, never a
 * Box token. A preview is shown on request, since every preview is recorded in the access log.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ensureFreshSession } from '../../api/api-client.ts';
import type { FileDetails } from '../../api/api-types.ts';
import { DownloadLink } from '../../ui/download-link.tsx';
import { contentUrl, previewKind } from './files-api.ts';

export function FilePreview({ file, setId }: { file: FileDetails; setId: string | undefined }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const kind = previewKind(file.name);
  const active = file.status === 'active';
  const src = contentUrl('preview', file.id, { setId });

  async function show() {
    await ensureFreshSession();
    setShown(true);
  }

  return (
    <section className="panel" aria-labelledby="file-preview-title">
      <h2 id="file-preview-title">{t('files.previewTitle')}</h2>
      {!active ? <p className="muted">{t('files.noContent')}</p> : null}
      {active && kind === 'none' ? <p className="muted">{t('files.noPreview')}</p> : null}
      {active ? (
        <div className="actions start">
          {kind !== 'none' && !shown ? (
            <button type="button" className="button secondary" onClick={() => void show()}>
              {t('files.showPreview')}
            </button>
          ) : null}
          <DownloadLink className="button primary" href={contentUrl('content', file.id, { setId })}>
            {t('files.download')}
          </DownloadLink>
        </div>
      ) : null}
      {active && shown ? (
        <div className="preview-frame">
          {kind === 'image' ? (
            <img src={src} alt={t('files.previewOf', { name: file.name })} />
          ) : (
            <iframe src={src} title={t('files.previewOf', { name: file.name })} />
          )}
        </div>
      ) : null}
    </section>
  );
}
