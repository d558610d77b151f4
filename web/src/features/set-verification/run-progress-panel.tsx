/**
 * How far a run is: a progress bar (files done of the total; indeterminate while the files are
 * still being listed) and the files per outcome so far. Once the run has ended it is its summary.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../ui/format.ts';
import { OutcomeCounts } from './outcome-badge.tsx';
import type { SetRun } from './set-verification-api.ts';

export function RunProgressPanel({ run }: { run: SetRun }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const lang = i18n.language;
  const total = run.total;
  const text =
    total === null
      ? t('setVerification.listing')
      : t('setVerification.filesDone', {
          done: formatNumber(run.done, lang),
          total: formatNumber(total, lang),
        });
  const percent = total ? Math.min(100, Math.round((run.done / total) * 100)) : 100;
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {run.status === 'RUNNING' ? t('setVerification.progressTitle') : t('setVerification.summaryTitle')}
      </h2>
      {/* A determinate bar only once the total is known (ARIA: no valuenow = indeterminate). */}
      <div
        role="progressbar"
        aria-labelledby={titleId}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total === null ? undefined : run.done}
        aria-valuetext={text}
        className={`progress${total === null ? ' progress-indeterminate' : ''}`}
      >
        <div className="progress-fill" style={total === null ? undefined : { width: `${percent}%` }} />
      </div>
      <p className="hint">{text}</p>
      <h3 className="section-title">{t('setVerification.perOutcome')}</h3>
      <OutcomeCounts counts={run.counts} />
    </section>
  );
}
