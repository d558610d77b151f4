/** A set's verification runs, newest first: when, how far, what was found, and a link to each. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { OutcomeBadge } from './outcome-badge.tsx';
import { useSetRuns } from './set-verification-api.ts';

export function SetRunsList({ setId, currentId }: { setId: string; currentId?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [cursor, setCursor] = useState<string | undefined>();
  const runs = useSetRuns(setId, cursor);
  const page = runs.data;
  return (
    <>
      <ErrorAlert error={runs.error} />
      {runs.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? <p className="empty">{t('setVerification.noRuns')}</p> : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={runs.isFetching}>
          <table className="data-table">
            <caption className="visually-hidden">{t('setVerification.runsTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('setVerification.started')}</th>
                <th scope="col">{t('setVerification.status')}</th>
                <th scope="col">{t('setVerification.files')}</th>
                <th scope="col">{t('setVerification.findings')}</th>
                <th scope="col">{t('verify.trigger')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((r) => {
                const tampered = r.counts.TAMPERED ?? 0;
                return (
                  <tr key={r.id}>
                    <th scope="row" data-label={t('setVerification.started')}>
                      <Link
                        to={`/audit-sets/${setId}/verifications/${r.id}`}
                        aria-current={r.id === currentId ? 'page' : undefined}
                      >
                        {formatDateTime(r.startedAt, lang)}
                      </Link>
                    </th>
                    <td data-label={t('setVerification.status')}>
                      {t(`setVerification.statuses.${r.status}`)}
                    </td>
                    <td data-label={t('setVerification.files')}>
                      {r.total === null
                        ? t('setVerification.listing')
                        : t('setVerification.filesDone', {
                            done: formatNumber(r.done, lang),
                            total: formatNumber(r.total, lang),
                          })}
                    </td>
                    <td data-label={t('setVerification.findings')}>
                      {tampered > 0 ? (
                        <>
                          <OutcomeBadge result="TAMPERED" /> {formatNumber(tampered, lang)}
                        </>
                      ) : (
                        t('setVerification.noTampered')
                      )}
                    </td>
                    <td data-label={t('verify.trigger')}>{t(`verify.triggers.${r.trigger}`)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {page ? (
        <Pager
          label={t('setVerification.runPages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}
    </>
  );
}
