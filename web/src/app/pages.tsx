/**
 * The signed-in pages: one entry per page gives its route, its navigation label (if it is in the
 * navigation) and the roles that may open it. The router and the navigation both read this list, so
 * a page is reachable exactly when it is shown. Add a page here only once its API exists (no
 * placeholders). The API checks every request again: the UI is never the only guard.
 */
import { lazy, type ReactElement } from 'react';
import type { Role } from '../api/api-types.ts';
import { SettingsPage } from '../features/settings/settings-page.tsx';
import { UsersPage } from '../features/users/users-page.tsx';

// Pages beyond users and settings load on first use (smaller first load; see docs/web.md).
const AddSetItemPage = lazy(() =>
  import('../features/allow-list/add-set-item-page.tsx').then((m) => ({ default: m.AddSetItemPage })),
);
const EditAllowListPage = lazy(() =>
  import('../features/allow-list/edit-allow-list-page.tsx').then((m) => ({ default: m.EditAllowListPage })),
);
const AuditGroupsPage = lazy(() =>
  import('../features/audit-groups/audit-groups-page.tsx').then((m) => ({ default: m.AuditGroupsPage })),
);
const AccessLogPage = lazy(() =>
  import('../features/audit-sets/access-log-page.tsx').then((m) => ({ default: m.AccessLogPage })),
);
const AuditSetPage = lazy(() =>
  import('../features/audit-sets/audit-set-page.tsx').then((m) => ({ default: m.AuditSetPage })),
);
const ManageAuditSetPage = lazy(() =>
  import('../features/audit-sets/manage-audit-set-page.tsx').then((m) => ({ default: m.ManageAuditSetPage })),
);
const MyAuditSetsPage = lazy(() =>
  import('../features/audit-sets/my-audit-sets-page.tsx').then((m) => ({ default: m.MyAuditSetsPage })),
);
const NewAuditSetPage = lazy(() =>
  import('../features/audit-sets/new-audit-set-page.tsx').then((m) => ({ default: m.NewAuditSetPage })),
);
const SetFolderPage = lazy(() =>
  import('../features/audit-sets/set-folder-page.tsx').then((m) => ({ default: m.SetFolderPage })),
);
const BoxFileEntryPage = lazy(() =>
  import('../features/box-entry/box-file-entry-page.tsx').then((m) => ({ default: m.BoxFileEntryPage })),
);
const BoxFolderEntryPage = lazy(() =>
  import('../features/box-entry/box-folder-entry-page.tsx').then((m) => ({ default: m.BoxFolderEntryPage })),
);
const EventSearchPage = lazy(() =>
  import('../features/events/event-search-page.tsx').then((m) => ({ default: m.EventSearchPage })),
);
const FileDetailsPage = lazy(() =>
  import('../features/files/file-details-page.tsx').then((m) => ({ default: m.FileDetailsPage })),
);
const OperationsPage = lazy(() =>
  import('../features/operations/operations-page.tsx').then((m) => ({ default: m.OperationsPage })),
);
const SetVerificationsPage = lazy(() =>
  import('../features/set-verification/set-verifications-page.tsx').then((m) => ({
    default: m.SetVerificationsPage,
  })),
);
const SetVerificationRunPage = lazy(() =>
  import('../features/set-verification/set-verification-run-page.tsx').then((m) => ({
    default: m.SetVerificationRunPage,
  })),
);

export interface PageEntry {
  path: string;
  /** Key of the navigation label in the catalogues; pages without one are reached by links. */
  navLabel?:
    | 'nav.auditSets'
    | 'nav.events'
    | 'nav.auditGroups'
    | 'nav.users'
    | 'nav.operations'
    | 'nav.settings';
  /** Roles that may open the page; undefined = every signed-in user. */
  roles?: readonly Role[];
  element: ReactElement;
}

const AA: readonly Role[] = ['AUDIT_ADMIN'];
/** Box users: they may add items to sets (as members) and use Box's integration menu. */
const BOX_USERS: readonly Role[] = ['AUDIT_ADMIN', 'GENERAL_USER'];

export const PAGES: readonly PageEntry[] = [
  { path: '/audit-sets', navLabel: 'nav.auditSets', element: <MyAuditSetsPage /> },
  { path: '/events', navLabel: 'nav.events', element: <EventSearchPage /> },
  { path: '/audit-groups', navLabel: 'nav.auditGroups', roles: AA, element: <AuditGroupsPage /> },
  { path: '/users', navLabel: 'nav.users', roles: AA, element: <UsersPage /> },
  { path: '/operations', navLabel: 'nav.operations', roles: AA, element: <OperationsPage /> },
  { path: '/settings', navLabel: 'nav.settings', element: <SettingsPage /> },
  { path: '/audit-sets/new', roles: AA, element: <NewAuditSetPage /> },
  { path: '/audit-sets/:setId', element: <AuditSetPage /> },
  { path: '/audit-sets/:setId/manage', roles: AA, element: <ManageAuditSetPage /> },
  { path: '/audit-sets/:setId/add', roles: BOX_USERS, element: <AddSetItemPage /> },
  { path: '/audit-sets/:setId/items/:itemId', element: <SetFolderPage /> },
  { path: '/audit-sets/:setId/items/:itemId/allow-list', roles: BOX_USERS, element: <EditAllowListPage /> },
  { path: '/audit-sets/:setId/access-log', roles: BOX_USERS, element: <AccessLogPage /> },
  // Whoever may read the set (collaborators, external auditors included; audit admins): the API decides.
  { path: '/audit-sets/:setId/verifications', element: <SetVerificationsPage /> },
  { path: '/audit-sets/:setId/verifications/:verificationId', element: <SetVerificationRunPage /> },
  { path: '/files/:fileId', element: <FileDetailsPage /> },
  { path: '/box/file/:itemId', roles: BOX_USERS, element: <BoxFileEntryPage /> },
  { path: '/box/folder/:itemId', roles: BOX_USERS, element: <BoxFolderEntryPage /> },
];

export function mayOpen(page: PageEntry, roles: readonly Role[]): boolean {
  return !page.roles || page.roles.some((r) => roles.includes(r));
}

/** The first page in the navigation a user may open: where "/" leads after sign-in. */
export function homePath(roles: readonly Role[]): string {
  return PAGES.find((p) => p.navLabel && mayOpen(p, roles))?.path ?? '/settings';
}
