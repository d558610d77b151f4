/** Shows its children only to a signed-in user; sends everyone else to the sign-in page. */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { signInPath } from './return-to.ts';
import { signedOutOnPurpose, useMe } from './session-api.ts';

export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <main id="main" className="centered-page">
        <Loading />
      </main>
    );
  }
  if (me.isError) {
    return (
      <main id="main" className="centered-page">
        <h1>{t('errors.cannotLoadTitle')}</h1>
        <ErrorAlert error={me.error} />
        <button type="button" className="button" onClick={() => void me.refetch()}>
          {t('common.retry')}
        </button>
      </main>
    );
  }
  if (!me.data) {
    const to = signedOutOnPurpose() ? '/sign-in' : signInPath(location.pathname + location.search);
    return <Navigate to={to} replace />;
  }
  return children;
}
