/** Sign-in: Box users through Box; external auditors with email and password (+ authenticator code). */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { isApiError } from '../../api/api-error.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { BoxSignInError } from './box-sign-in-error.tsx';
import { BoxSignInLink } from './box-sign-in-link.tsx';
import { safeReturnTo } from './return-to.ts';
import { useMe, useSignIn } from './session-api.ts';

export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  const navigate = useNavigate();
  const me = useMe();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needsTotp, setNeedsTotp] = useState(false);
  const totpRef = useRef<HTMLInputElement>(null);

  const error = signIn.error;
  const totpAsked = isApiError(error) && error.code === 'TOTP_REQUIRED';
  useEffect(() => {
    if (totpAsked) setNeedsTotp(true);
  }, [totpAsked]);
  // Once the code field is there, the cursor goes to it.
  useEffect(() => {
    if (needsTotp) totpRef.current?.focus();
  }, [needsTotp]);

  if (me.data && !signIn.isPending) return <Navigate to={returnTo} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate(
      { email: email.trim(), password, totp: needsTotp ? totp.replace(/\s/g, '') : undefined },
      { onSuccess: () => navigate(returnTo, { replace: true }) },
    );
  }

  return (
    <div className="card narrow">
      <PageHeading>{t('signIn.title')}</PageHeading>
      <section aria-labelledby="box-sign-in">
        <h2 id="box-sign-in" className="section-title">
          {t('signIn.boxUsers')}
        </h2>
        <p className="muted">{t('signIn.boxExplanation')}</p>
        <BoxSignInError code={params.get('error')} />
        <BoxSignInLink returnTo={returnTo} />
      </section>
      <hr />
      <section aria-labelledby="auditor-sign-in">
        <h2 id="auditor-sign-in" className="section-title">
          {t('signIn.auditors')}
        </h2>
        <form onSubmit={submit} className="form">
          <TextField
            label={t('fields.email')}
            type="email"
            autoComplete="username"
            required
            maxLength={254}
            value={email}
            onChange={setEmail}
          />
          <TextField
            label={t('fields.password')}
            type="password"
            autoComplete="current-password"
            required
            maxLength={1024}
            value={password}
            onChange={setPassword}
          />
          {needsTotp ? (
            <TextField
              ref={totpRef}
              label={t('fields.totpCode')}
              hint={t('signIn.totpHint')}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={10}
              required
              value={totp}
              onChange={setTotp}
            />
          ) : null}
          <StatusMessage message={totpAsked ? error.message : null} />
          <ErrorAlert error={totpAsked ? null : error} />
          <button type="submit" className="button primary" disabled={signIn.isPending}>
            {signIn.isPending ? t('signIn.signingIn') : t('signIn.submit')}
          </button>
        </form>
        <p className="after-form">
          <Link to="/forgot-password">{t('signIn.forgotPassword')}</Link>
        </p>
      </section>
    </div>
  );
}
