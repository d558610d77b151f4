/**
 * `/audit-sets/:setId/verifications/:verificationId`: one set verification, live while it runs
 * (progress bar and counts per outcome), then its report (TAMPERED files, evidence bundle, every
 * file's result).
 */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useAuditSet } from '../audit-sets/audit-sets-api.ts';
import { useLiveRun } from './run-progress.ts';
import { RunProgressPanel } from './run-progress-panel.tsx';
import { RunReport } from './run-report.tsx';
import type { SetRun } from './set-verification-api.ts';

export function SetVerificationRunPage() {
  const { setId = '', verificationId = '' } = useParams();
  // A new run is a new view: the live connection and its fallback start afresh.
  return <RunView key={`${setId}/${verificationId}`} setId={setId} runId={verificationId} />;
}

function RunView({ setId, runId }: { setId: string; runId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const set = useAuditSet(setId);
  const run = useLiveRun(setId, runId);
  const name = set.data?.name ?? t('sets.thisSet');
  const r = run.data;
  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/audit-sets/${setId}`}>{name}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/audit-sets/${setId}/verifications`}>{t('setVerification.runsLink')}</Link>
      </p>
      <PageHeading>{t('setVerification.runTitle', { name })}</PageHeading>
      {run.isPending ? <Loading /> : null}
      <ErrorAlert error={run.error} />
      {/* Always rendered, so the end of the run is announced when it comes. */}
      <StatusMessage message={r ? endMessage(t, r, lang) : null} />
      {r?.status === 'FAILED' ? (
        <p className="alert alert-error">{t('setVerification.failed', { error: r.error ?? '' })}</p>
      ) : null}
      {r ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t('setVerification.status')}</dt>
              <dd>{t(`setVerification.statuses.${r.status}`)}</dd>
            </div>
            <div>
              <dt>{t('setVerification.started')}</dt>
              <dd>{formatDateTime(r.startedAt, lang)}</dd>
            </div>
            <div>
              <dt>{t('setVerification.finished')}</dt>
              <dd>{r.finishedAt ? formatDateTime(r.finishedAt, lang) : t('setVerification.notYet')}</dd>
            </div>
            <div>
              <dt>{t('verify.trigger')}</dt>
              <dd>{t(`verify.triggers.${r.trigger}`)}</dd>
            </div>
          </dl>
          <RunProgressPanel run={r} />
          {r.status === 'RUNNING' ? null : <RunReport run={r} />}
        </>
      ) : null}
    </section>
  );
}

function endMessage(t: TFunction, r: SetRun, lang: string): string | null {
  if (r.status === 'DONE') {
    return t('setVerification.doneMessage', {
      files: formatNumber(r.done, lang),
      tampered: formatNumber(r.counts.TAMPERED ?? 0, lang),
    });
  }
  if (r.status === 'INTERRUPTED') return t('setVerification.interrupted');
  return null;
}
