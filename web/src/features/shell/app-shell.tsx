/** The frame of the signed-in app: header with navigation and user menu, banner, the page. */
import { Outlet } from 'react-router';
import { AppHeader } from './app-header.tsx';
import { MaintenanceBanner } from './maintenance-banner.tsx';
import { SkipLink } from './skip-link.tsx';

export function AppShell() {
  return (
    <>
      <SkipLink />
      <AppHeader />
      <MaintenanceBanner />
      <main id="main" className="app-main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
