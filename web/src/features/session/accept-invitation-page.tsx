/**
 * An invited external auditor sets their first password. The invitation token arrives in the URL
 * fragment (`/accept-invitation#token=…`, never sent to a server in a request line or a Referer); it
 * is taken out of the address bar at once.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/typed-api.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { NewPasswordFields, passwordsMatch } from './new-password-fields.tsx';

function tokenFromFragment(): string | null {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  return token && token.length >= 20 ? token : null;
}

export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const [token] = useState(tokenFromFragment);
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);

  useEffect(() => {
    if (window.location.hash) {
      window.history.replaceState(window.history.state, '', window.location.pathname);
    }
  }, []);

  const accept = useMutation({
    mutationFn: (value: string) =>
      api.post('/api/v1/auth/invitation/accept', { body: { token: value, password } }),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const ok = passwordsMatch(password, confirmation);
    setMismatch(!ok);
    if (ok && token) accept.mutate(token);
  }

  return (
    <div className="card narrow">
      <PageHeading>{t('invitation.title')}</PageHeading>
      {!token ? (
        <div role="alert" className="alert alert-error">
          <p>{t('invitation.missingToken')}</p>
        </div>
      ) : accept.isSuccess ? (
        <StatusMessage message={t('invitation.done')} />
      ) : (
        <form onSubmit={submit} className="form">
          <p>{t('invitation.explanation')}</p>
          <NewPasswordFields
            password={password}
            confirmation={confirmation}
            onPassword={setPassword}
            onConfirmation={setConfirmation}
            mismatch={mismatch}
          />
          <ErrorAlert error={accept.error} />
          <button type="submit" className="button primary" disabled={accept.isPending}>
            {accept.isPending ? t('common.working') : t('invitation.submit')}
          </button>
        </form>
      )}
      <p className="after-form">
        <Link to="/sign-in">{accept.isSuccess ? t('invitation.goToSignIn') : t('common.backToSignIn')}</Link>
      </p>
    </div>
  );
}
