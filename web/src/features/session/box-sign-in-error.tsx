/**
 * Why a Box sign-in failed. The server's Box callback redirects to `/sign-in?error=CODE` (a person
 * should not land on a JSON error); the code is shown as a sentence in the current language.
 */
import { useTranslation } from 'react-i18next';

const KNOWN = [
  'BOX_NOT_CONFIGURED',
  'BOX_ACCESS_DENIED',
  'OAUTH_STATE_INVALID',
  'OAUTH_EXCHANGE_FAILED',
  'BOX_USER_NOT_IN_ENTERPRISE',
  'ACCOUNT_DISABLED',
  'BOX_UNAVAILABLE',
] as const;
type KnownCode = (typeof KNOWN)[number];

export function BoxSignInError({ code }: { code: string | null }) {
  const { t } = useTranslation();
  const known = KNOWN.find((k): k is KnownCode => k === code);
  return (
    <div role="alert" className={code ? 'alert alert-error' : 'alert-empty'}>
      {code ? (
        <p>
          {known ? t(`boxSignInErrors.${known}`) : t('boxSignInErrors.other', { code: code.slice(0, 60) })}
        </p>
      ) : null}
    </div>
  );
}
