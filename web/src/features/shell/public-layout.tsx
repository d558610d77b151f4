/** The frame of the pages before sign-in: product name, language switch, the page. */
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { LanguageSelect } from './language-select.tsx';
import { MaintenanceBanner } from './maintenance-banner.tsx';
import { SkipLink } from './skip-link.tsx';

export function PublicLayout() {
  const { t } = useTranslation();
  return (
    <>
      <SkipLink />
      <header className="app-header">
        <div className="header-inner">
          <span className="product-name">{t('app.name')}</span>
          <LanguageSelect compact />
        </div>
      </header>
      <MaintenanceBanner />
      <main id="main" className="public-main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
