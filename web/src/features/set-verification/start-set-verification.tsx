/**
 * "Verify set": starts a run of every allowed file of the set and opens its page, where the progress
 * is shown live. Whether this person may is the API's decision (any collaborator, audit admins).
 */
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useStartSetVerification } from './set-verification-api.ts';

export function StartSetVerification({
  setId,
  className = 'button primary',
}: {
  setId: string;
  className?: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const start = useStartSetVerification(setId);
  return (
    <span className="api-download">
      <button
        type="button"
        className={className}
        disabled={start.isPending}
        onClick={() =>
          start.mutate(undefined, {
            onSuccess: (run) => void navigate(`/audit-sets/${setId}/verifications/${run.id}`),
          })
        }
      >
        {start.isPending ? t('setVerification.starting') : t('setVerification.start')}
      </button>
      <ErrorAlert error={start.error} />
    </span>
  );
}
