/**
 * The per-file results of a run: each file (linking to its details within the set), its outcome
 * and the reasons in words, filtered by outcome and paged. The API pages forward only, so the
 * cursors already visited are kept here to go back.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { VerificationResult } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { itemHref } from '../audit-sets/set-items-table.tsx';
import { verificationLabel } from '../audit-sets/set-labels.ts';
import { ReasonText } from '../files/verification-evidence.tsx';
import { OutcomeBadge } from './outcome-badge.tsx';
import { OUTCOMES, useRunFiles } from './set-verification-api.ts';

export function RunResultsTable({ setId, runId }: { setId: string; runId: string }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const [outcome, setOutcome] = useState<VerificationResult | ''>('');
  // Cursors of the pages visited, the first page's being undefined; the last one is shown.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const files = useRunFiles(setId, runId, outcome || undefined, cursor);
  const page = files.data;

  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('setVerification.filesTitle')}</h2>
      <div className="filters">
        <SelectField
          label={t('setVerification.outcomeFilter')}
          value={outcome}
          options={[
            { value: '', label: t('setVerification.allOutcomes') },
            ...OUTCOMES.map((o) => ({ value: o, label: verificationLabel(t, o) })),
          ]}
          onChange={(value) => {
            setOutcome(value as VerificationResult | '');
            setCursors([undefined]);
          }}
        />
      </div>
      <ErrorAlert error={files.error} />
      {files.isPending ? <Loading /> : null}
      {page?.items.length === 0 ? (
        <p className="empty">
          {outcome ? t('setVerification.noneWithOutcome') : t('setVerification.noFiles')}
        </p>
      ) : null}
      {page && page.items.length > 0 ? (
        <div className="table-wrap" aria-busy={files.isFetching}>
          <table className="data-table">
            <caption className="visually-hidden">{t('setVerification.filesTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('setVerification.file')}</th>
                <th scope="col">{t('verify.result')}</th>
                <th scope="col">{t('setVerification.reasons')}</th>
                <th scope="col">{t('setVerification.checked')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((v) => (
                <tr key={v.id} className={v.result === 'TAMPERED' ? 'row-alarm' : undefined}>
                  <th scope="row" data-label={t('setVerification.file')} className="break">
                    <Link to={itemHref(setId, { type: 'file', id: v.fileId })}>{v.fileName ?? v.fileId}</Link>
                  </th>
                  <td data-label={t('verify.result')}>
                    <OutcomeBadge result={v.result} />
                  </td>
                  <td data-label={t('setVerification.reasons')}>
                    <ul className="reason-list">
                      {v.reasons.map((r) => (
                        <li key={`${r.code}:${r.versionId ?? ''}:${r.leafIndex ?? ''}:${r.eventId ?? ''}`}>
                          <ReasonText reason={r} />
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-label={t('setVerification.checked')}>
                    {formatDateTime(v.completedAt, i18n.language)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursors.length > 1 || page?.nextCursor ? (
        <nav className="pager" aria-label={t('setVerification.filePages')}>
          <button
            type="button"
            className="button secondary"
            disabled={cursors.length < 2}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            {t('common.previousPage')}
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={!page?.nextCursor}
            onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
          >
            {t('common.nextPage')}
          </button>
        </nav>
      ) : null}
    </section>
  );
}
