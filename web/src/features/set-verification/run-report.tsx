/**
 * The report of an ended run: the TAMPERED files first (the findings), the evidence bundle of the
 * whole run to check offline, and every file's result.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiDownloadButton } from '../../ui/api-download-button.tsx';
import { formatNumber } from '../../ui/format.ts';
import { itemHref } from '../audit-sets/set-items-table.tsx';
import { ReasonText } from '../files/verification-evidence.tsx';
import { bundlePath } from '../files/verifications-api.ts';
import { RunResultsTable } from './run-results-table.tsx';
import type { SetRun } from './set-verification-api.ts';

export function RunReport({ run }: { run: SetRun }) {
  const { t, i18n } = useTranslation();
  const tamperedId = useId();
  const bundleId = useId();
  const tamperedCount = run.counts.TAMPERED ?? 0;
  return (
    <>
      {tamperedCount > 0 ? (
        <section className="panel panel-alarm" aria-labelledby={tamperedId}>
          <h2 id={tamperedId}>
            <span aria-hidden="true">⚠ </span>
            {t('setVerification.tamperedTitle', { n: formatNumber(tamperedCount, i18n.language) })}
          </h2>
          <p>{t('setVerification.tamperedIntro')}</p>
          <ul className="tampered-list">
            {run.tampered.map((f) => (
              <li key={f.verificationId}>
                <Link to={itemHref(run.setId, { type: 'file', id: f.fileId })}>{f.fileName ?? f.fileId}</Link>
                <ul className="reason-list">
                  {f.reasons.map((r) => (
                    <li key={`${r.code}:${r.versionId ?? ''}:${r.leafIndex ?? ''}:${r.eventId ?? ''}`}>
                      <ReasonText reason={r} />
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {tamperedCount > run.tampered.length ? (
            <p className="hint">
              {t('setVerification.tamperedMore', {
                n: formatNumber(tamperedCount - run.tampered.length, i18n.language),
              })}
            </p>
          ) : null}
        </section>
      ) : null}

      <section className="panel" aria-labelledby={bundleId}>
        <h2 id={bundleId}>{t('setVerification.bundleTitle')}</h2>
        <p className="muted">{t('setVerification.bundleIntro')}</p>
        <div className="actions start">
          <ApiDownloadButton path={bundlePath(run.id)} query={{ format: 'json' }}>
            {t('verify.bundleJson')}
          </ApiDownloadButton>
          <ApiDownloadButton path={bundlePath(run.id)} query={{ format: 'html' }}>
            {t('verify.bundleHtml')}
          </ApiDownloadButton>
        </div>
      </section>

      <RunResultsTable setId={run.setId} runId={run.id} />
    </>
  );
}
