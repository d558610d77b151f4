/**
 * An outcome as a badge, and the counts per outcome. TAMPERED carries a warning sign and a heavier
 * frame besides its colour, so it stands out without relying on colour alone.
 */
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../ui/format.ts';
import { verificationBadgeClass, verificationLabel } from '../audit-sets/set-labels.ts';
import { OUTCOMES, type SetRun } from './set-verification-api.ts';

export function OutcomeBadge({ result }: { result: string }) {
  const { t } = useTranslation();
  const tampered = result === 'TAMPERED';
  return (
    <span className={`${verificationBadgeClass(result)} outcome-badge${tampered ? ' badge-alarm' : ''}`}>
      {tampered ? <span aria-hidden="true">⚠ </span> : null}
      {verificationLabel(t, result)}
    </span>
  );
}

/** Files per outcome, every outcome listed (a zero is news too). */
export function OutcomeCounts({ counts }: { counts: SetRun['counts'] }) {
  const { i18n } = useTranslation();
  return (
    <dl className="outcome-counts">
      {OUTCOMES.map((o) => {
        const n = counts[o] ?? 0;
        return (
          <div key={o} className={o === 'TAMPERED' && n > 0 ? 'outcome-alarm' : undefined}>
            <dt>
              <OutcomeBadge result={o} />
            </dt>
            <dd>{formatNumber(n, i18n.language)}</dd>
          </div>
        );
      })}
    </dl>
  );
}
