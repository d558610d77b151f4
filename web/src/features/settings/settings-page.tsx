/** Settings, for everyone: profile and language, two-factor sign-in (password accounts), API tokens. */
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../ui/page-heading.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { ApiTokensSection } from './api-tokens-section.tsx';
import { ProfileSection } from './profile-section.tsx';
import { TwoFactorSection } from './two-factor-section.tsx';

export function SettingsPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  return (
    <section className="page">
      <PageHeading>{t('settings.title')}</PageHeading>
      <ProfileSection />
      {/* Box users sign in with Box, whose own two-step verification applies. */}
      {me.kind === 'box' ? null : <TwoFactorSection />}
      <ApiTokensSection />
    </section>
  );
}
