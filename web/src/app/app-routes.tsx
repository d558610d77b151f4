/** Routes: the public pages (sign-in and account recovery) and the signed-in app, by role. */
import { Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { AcceptInvitationPage } from '../features/session/accept-invitation-page.tsx';
import { ForgotPasswordPage } from '../features/session/forgot-password-page.tsx';
import { RequireSession } from '../features/session/require-session.tsx';
import { useCurrentUser } from '../features/session/session-api.ts';
import { SignInPage } from '../features/session/sign-in-page.tsx';
import { AppShell } from '../features/shell/app-shell.tsx';
import { NotFoundPage } from '../features/shell/not-found-page.tsx';
import { PublicLayout } from '../features/shell/public-layout.tsx';
import { Loading } from '../ui/loading.tsx';
import { homePath, mayOpen, PAGES, type PageEntry } from './pages.tsx';

function Home() {
  const me = useCurrentUser();
  return <Navigate to={homePath(me.roles)} replace />;
}

function RoleGate({ page }: { page: PageEntry }) {
  const me = useCurrentUser();
  return mayOpen(page, me.roles) ? (
    <Suspense fallback={<Loading />}>{page.element}</Suspense>
  ) : (
    <NotFoundPage />
  );
}

export function AppRoutes() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/forgot-password" element={<ForgotPasswordPage />} />
        <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
      </Route>
      <Route
        element={
          <RequireSession>
            <AppShell />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        {PAGES.map((page) => (
          <Route key={page.path} path={page.path} element={<RoleGate page={page} />} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
