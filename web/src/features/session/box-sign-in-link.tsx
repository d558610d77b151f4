/**
 * "Sign in with Box": a plain link to the server-side OAuth flow (the code exchange and the client
 * secret never touch the browser). `returnTo` brings the user back to where they were going.
 */
import { useTranslation } from 'react-i18next';

export function BoxSignInLink({ returnTo }: { returnTo: string }) {
  const { t } = useTranslation();
  const href = `/api/v1/auth/box/authorize?returnTo=${encodeURIComponent(returnTo)}`;
  return (
    <a className="button box-button" href={href}>
      {t('signIn.withBox')}
    </a>
  );
}
