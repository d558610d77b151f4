/**
 * `/audit-sets/:setId/verifications`: a set's verification runs and "Verify set" (product.md F6.5).
 * Open to whoever may read the set; the API decides (collaborators, audit admins).
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { useAuditSet } from '../audit-sets/audit-sets-api.ts';
import { SetRunsList } from './set-runs-list.tsx';
import { StartSetVerification } from './start-set-verification.tsx';

export function SetVerificationsPage() {
  const { setId = '' } = useParams();
  const { t } = useTranslation();
  const set = useAuditSet(setId);
  const name = set.data?.name ?? t('sets.thisSet');
  return (
    <section className="page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/audit-sets/${setId}`}>{name}</Link>
      </p>
      <div className="page-title-row">
        <PageHeading>{t('setVerification.runsPageTitle', { name })}</PageHeading>
        <div className="row-actions">
          <StartSetVerification setId={setId} />
        </div>
      </div>
      <p className="muted">{t('setVerification.intro')}</p>
      <ErrorAlert error={set.error} />
      <SetRunsList setId={setId} />
    </section>
  );
}
