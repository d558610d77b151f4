/**
 * Verification of a file (product.md F6.4): "Verify now" compares Box with the ledger and shows the
 * result with its evidence; the history lists earlier results, each with its evidence on request.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileDetails } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { verificationBadgeClass, verificationLabel } from '../audit-sets/set-labels.ts';
import { VerificationEvidence } from './verification-evidence.tsx';
import { useFileVerifications, useVerification, useVerifyFile } from './verifications-api.ts';

export function FileVerification({ file, setId }: { file: FileDetails; setId: string | undefined }) {
  const { t, i18n } = useTranslation();
  const [cursor, setCursor] = useState<string | undefined>();
  const [open, setOpen] = useState<string | null>(null);
  const history = useFileVerifications(file.id, cursor);
  const verify = useVerifyFile(file.id, setId);
  const shown = useVerification(open);
  const page = history.data;

  return (
    <section className="panel" aria-labelledby="file-verification-title">
      <h2 id="file-verification-title">{t('verify.title')}</h2>
      <p className="muted">{t('verify.intro')}</p>
      <div className="actions start">
        <button
          type="button"
          className="button primary"
          disabled={verify.isPending}
          onClick={() =>
            verify.mutate(undefined, {
              onSuccess: (v) => setOpen(v.id),
            })
          }
        >
          {verify.isPending ? t('verify.verifying') : t('verify.now')}
        </button>
      </div>
      <ErrorAlert error={verify.error} />
      <StatusMessage
        message={verify.data ? t('verify.done', { result: verificationLabel(t, verify.data.result) }) : null}
      />
      {open ? (
        <section className="subpanel" aria-labelledby="verification-shown-title">
          <h3 id="verification-shown-title" className="section-title">
            {t('verify.evidenceTitle')}
          </h3>
          {shown.isPending ? <Loading /> : null}
          <ErrorAlert error={shown.error} />
          {shown.data && shown.data.kind === 'file' ? (
            <VerificationEvidence verification={shown.data} />
          ) : null}
        </section>
      ) : null}

      <h3 className="section-title subpanel">{t('verify.history')}</h3>
      <ErrorAlert error={history.error} />
      {history.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? <p className="empty">{t('verify.none')}</p> : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={history.isFetching}>
          <table className="data-table">
            <caption className="visually-hidden">{t('verify.history')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('verify.when')}</th>
                <th scope="col">{t('verify.result')}</th>
                <th scope="col">{t('verify.trigger')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((v) => (
                <tr key={v.id}>
                  <th scope="row" data-label={t('verify.when')}>
                    {formatDateTime(v.completedAt, i18n.language)}
                  </th>
                  <td data-label={t('verify.result')}>
                    <span className={verificationBadgeClass(v.result)}>{verificationLabel(t, v.result)}</span>
                    {v.supersededBy ? <span className="hint block">{t('verify.superseded')}</span> : null}
                  </td>
                  <td data-label={t('verify.trigger')}>{t(`verify.triggers.${v.trigger}`)}</td>
                  <td data-label={t('common.actions')}>
                    <button
                      type="button"
                      className="button small secondary"
                      aria-pressed={open === v.id}
                      onClick={() => setOpen(open === v.id ? null : v.id)}
                    >
                      {t('verify.showEvidence')}
                      <span className="visually-hidden">
                        : {formatDateTime(v.completedAt, i18n.language)}
                      </span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {page ? (
        <Pager
          label={t('verify.pages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </section>
  );
}
