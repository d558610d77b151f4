/**
 * The signed-in pages: one entry per page gives its route, its navigation label and the roles that
 * may open it. The router and the navigation both read this list, so a page is reachable exactly when
 * it is shown. Add a page here only once its API exists (no placeholders).
 */
import type { ReactElement } from 'react';
import type { Role } from '../api/api-types.ts';
import { SettingsPage } from '../features/settings/settings-page.tsx';
import { UsersPage } from '../features/users/users-page.tsx';

export interface PageEntry {
  path: string;
  /** Key of the navigation label in the catalogues. */
  navLabel: 'nav.users' | 'nav.settings';
  /** Roles that may open the page; undefined = every signed-in user. */
  roles?: readonly Role[];
  element: ReactElement;
}

export const PAGES: readonly PageEntry[] = [
  { path: '/users', navLabel: 'nav.users', roles: ['AUDIT_ADMIN'], element: <UsersPage /> },
  { path: '/settings', navLabel: 'nav.settings', element: <SettingsPage /> },
];

export function mayOpen(page: PageEntry, roles: readonly Role[]): boolean {
  return !page.roles || page.roles.some((r) => roles.includes(r));
}

/** The first page a user may open: where "/" leads after sign-in. */
export function homePath(roles: readonly Role[]): string {
  return PAGES.find((p) => mayOpen(p, roles))?.path ?? '/settings';
}
