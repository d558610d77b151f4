/** The last verification result of a file (F6.4), or "not verified yet". */
import { useTranslation } from 'react-i18next';
import type { Verification } from '../../api/api-types.ts';
import { formatDateTime } from '../../ui/format.ts';
import { verificationBadgeClass, verificationLabel } from './set-labels.ts';

export function VerificationBadge({ verification }: { verification: Verification }) {
  const { t, i18n } = useTranslation();
  if (!verification) return <span className="muted">{t('verification.notYet')}</span>;
  return (
    <span>
      <span className={verificationBadgeClass(verification.result)}>
        {verificationLabel(t, verification.result)}
      </span>
      <span className="hint block">{formatDateTime(verification.verifiedAt, i18n.language)}</span>
    </span>
  );
}
