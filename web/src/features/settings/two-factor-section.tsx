/**
 * Two-factor sign-in with an authenticator app (TOTP): set up (show the otpauth link and the secret,
 * confirm with a code), or turn off with a current code.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../ui/copy-button.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { useBeginTotp, useConfirmTotp, useDisableTotp } from './settings-api.ts';

function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function TwoFactorSection() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const begin = useBeginTotp();
  const confirm = useConfirmTotp();
  const disable = useDisableTotp();
  const [code, setCode] = useState('');
  // What just happened, worded at render time (so in the current language).
  const [done, setDone] = useState<'enabled' | 'disabled' | null>(null);
  const enrolment = begin.data;

  function start() {
    setDone(null);
    setCode('');
    confirm.reset();
    begin.mutate();
  }

  function submitConfirm(event: FormEvent) {
    event.preventDefault();
    confirm.mutate(code.replace(/\s/g, ''), {
      onSuccess: () => {
        begin.reset();
        setCode('');
        setDone('enabled');
      },
    });
  }

  function submitDisable(event: FormEvent) {
    event.preventDefault();
    disable.mutate(code.replace(/\s/g, ''), {
      onSuccess: () => {
        setCode('');
        setDone('disabled');
      },
    });
  }

  const codeField = (
    <TextField
      label={t('fields.totpCode')}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      required
      maxLength={10}
      value={code}
      onChange={setCode}
    />
  );

  return (
    <section className="panel" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">{t('twoFactor.title')}</h2>
      <p>
        {t('twoFactor.statusLabel')}{' '}
        <span className={me.totpEnabled ? 'badge badge-ok' : 'badge badge-muted'}>
          {me.totpEnabled ? t('twoFactor.on') : t('twoFactor.off')}
        </span>
      </p>
      <StatusMessage
        message={
          done === 'enabled'
            ? t('twoFactor.enabledMessage')
            : done === 'disabled'
              ? t('twoFactor.disabledMessage')
              : null
        }
      />
      {me.totpEnabled ? (
        <form onSubmit={submitDisable} className="form">
          <p className="muted">{t('twoFactor.disableExplanation')}</p>
          {codeField}
          <ErrorAlert error={disable.error} />
          <div className="actions start">
            <button type="submit" className="button danger" disabled={disable.isPending}>
              {disable.isPending ? t('common.working') : t('twoFactor.turnOff')}
            </button>
          </div>
        </form>
      ) : enrolment ? (
        <form onSubmit={submitConfirm} className="form">
          <ol className="steps">
            <li>
              {t('twoFactor.stepScan')}{' '}
              <a href={enrolment.otpauthUrl} className="break">
                {t('twoFactor.openInApp')}
              </a>
            </li>
            <li>
              {t('twoFactor.stepSecret')}
              <div className="secret-row">
                <code id="totp-secret" className="secret">
                  {groupSecret(enrolment.secret)}
                </code>
                <CopyButton
                  text={enrolment.secret}
                  targetId="totp-secret"
                  label={t('twoFactor.copySecret')}
                />
              </div>
              <details>
                <summary>{t('twoFactor.showUrl')}</summary>
                <code className="secret break">{enrolment.otpauthUrl}</code>
              </details>
            </li>
            <li>{t('twoFactor.stepConfirm')}</li>
          </ol>
          {codeField}
          <ErrorAlert error={confirm.error} />
          <div className="actions start">
            <button type="submit" className="button primary" disabled={confirm.isPending}>
              {confirm.isPending ? t('common.working') : t('twoFactor.turnOn')}
            </button>
            <button type="button" className="button secondary" onClick={() => begin.reset()}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <>
          <p className="muted">{t('twoFactor.explanation')}</p>
          <ErrorAlert error={begin.error} />
          <button type="button" className="button primary" onClick={start} disabled={begin.isPending}>
            {begin.isPending ? t('common.working') : t('twoFactor.setUp')}
          </button>
        </>
      )}
    </section>
  );
}
