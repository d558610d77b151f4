/**
 * Password reset for external auditors: ask for a code by email, then enter it with a new password.
 * The server answers the same whether or not the account exists, and so does this page.
 */
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/typed-api.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { NewPasswordFields, passwordsMatch } from './new-password-fields.tsx';

type Step = 'request' | 'reset' | 'done';

export function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>('request');
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);

  const requestCode = useMutation({
    mutationFn: () => api.post('/api/v1/auth/password/reset-request', { body: { email: email.trim() } }),
    onSuccess: () => setStep('reset'),
  });
  const reset = useMutation({
    mutationFn: () =>
      api.post('/api/v1/auth/password/reset', {
        body: { email: email.trim(), code: code.trim(), newPassword: password },
      }),
    onSuccess: () => setStep('done'),
  });

  function submitRequest(event: FormEvent) {
    event.preventDefault();
    requestCode.mutate();
  }

  function submitReset(event: FormEvent) {
    event.preventDefault();
    const ok = passwordsMatch(password, confirmation);
    setMismatch(!ok);
    if (ok) reset.mutate();
  }

  return (
    <div className="card narrow">
      <PageHeading>{t('forgotPassword.title')}</PageHeading>
      {step === 'request' ? (
        <form onSubmit={submitRequest} className="form">
          <p>{t('forgotPassword.explanation')}</p>
          <TextField
            label={t('fields.email')}
            type="email"
            autoComplete="username"
            required
            maxLength={254}
            value={email}
            onChange={setEmail}
          />
          <ErrorAlert error={requestCode.error} />
          <button type="submit" className="button primary" disabled={requestCode.isPending}>
            {requestCode.isPending ? t('common.working') : t('forgotPassword.sendCode')}
          </button>
        </form>
      ) : null}
      {step === 'reset' ? (
        <form onSubmit={submitReset} className="form">
          <StatusMessage message={t('forgotPassword.codeSent', { email: email.trim() })} />
          <TextField
            label={t('fields.resetCode')}
            autoComplete="one-time-code"
            required
            minLength={4}
            maxLength={32}
            value={code}
            onChange={setCode}
          />
          <NewPasswordFields
            password={password}
            confirmation={confirmation}
            onPassword={setPassword}
            onConfirmation={setConfirmation}
            mismatch={mismatch}
          />
          <ErrorAlert error={reset.error} />
          <div className="actions start">
            <button type="submit" className="button primary" disabled={reset.isPending}>
              {reset.isPending ? t('common.working') : t('forgotPassword.setPassword')}
            </button>
            <button type="button" className="button secondary" onClick={() => setStep('request')}>
              {t('forgotPassword.sendAgain')}
            </button>
          </div>
        </form>
      ) : null}
      {step === 'done' ? <StatusMessage message={t('forgotPassword.done')} /> : null}
      <p className="after-form">
        <Link to="/sign-in">{t('common.backToSignIn')}</Link>
      </p>
    </div>
  );
}
