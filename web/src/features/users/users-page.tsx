/**
 * Users and roles (audit admins): the organisation's users, paged and filtered; Box users' roles;
 * external auditors created, edited, disabled, enabled and deleted. Filters live in the address so
 * that a filtered list can be bookmarked and the back button works.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ROLES, USER_KINDS, type User } from '../../api/api-types.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { Pager } from '../../ui/pager.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { AuditorDialog } from './auditor-dialog.tsx';
import { RolesDialog } from './roles-dialog.tsx';
import { type UserFilters, useDeleteUser, useUpdateUser, useUsers } from './users-api.ts';
import { UsersFilters } from './users-filters.tsx';
import { UsersTable } from './users-table.tsx';

/** Confirmations are kept as what happened, and worded at render time (so in the current language). */
const NOTICES = {
  created: 'users.createdMessage',
  saved: 'users.savedMessage',
  rolesSaved: 'users.rolesSavedMessage',
  deleted: 'users.deletedMessage',
  enabled: 'users.enabledMessage',
  disabled: 'users.disabledMessage',
} as const;
type Notice = { kind: keyof typeof NOTICES; name: string } | null;

type OpenDialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: User }
  | { kind: 'roles'; user: User }
  | { kind: 'delete'; user: User }
  | null;

function filtersFrom(params: URLSearchParams): UserFilters {
  return {
    role: ROLES.find((r) => r === params.get('role')),
    kind: USER_KINDS.find((k) => k === params.get('kind')),
    q: params.get('q') ?? '',
  };
}

export function UsersPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const [cursor, setCursor] = useState<string | undefined>();
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const users = useUsers(filters, cursor);
  const toggle = useUpdateUser();
  const remove = useDeleteUser();

  function changeFilters(next: UserFilters) {
    const p = new URLSearchParams();
    if (next.role) p.set('role', next.role);
    if (next.kind) p.set('kind', next.kind);
    if (next.q) p.set('q', next.q);
    setParams(p, { replace: true });
    setCursor(undefined);
  }

  function done(next: Notice) {
    setDialog(null);
    setNotice(next);
  }

  function toggleDisabled(user: User) {
    setNotice(null);
    toggle.mutate(
      { id: user.id, changes: { disabled: !user.disabled } },
      { onSuccess: () => setNotice({ kind: user.disabled ? 'enabled' : 'disabled', name: user.name }) },
    );
  }

  const page = users.data;
  return (
    <section className="page">
      <div className="page-title-row">
        <PageHeading>{t('users.title')}</PageHeading>
        <button
          type="button"
          className="button primary"
          onClick={() => {
            setNotice(null);
            setDialog({ kind: 'create' });
          }}
        >
          {t('users.newAuditor')}
        </button>
      </div>
      <p className="muted">{t('users.intro')}</p>
      <UsersFilters value={filters} onChange={changeFilters} />
      <StatusMessage message={notice ? t(NOTICES[notice.kind], { name: notice.name }) : null} />
      <ErrorAlert error={toggle.error ?? users.error} />
      {users.isPending ? <Loading /> : null}
      {page ? (
        page.items.length === 0 ? (
          <p className="empty">{t('users.noneFound')}</p>
        ) : (
          <div className="table-wrap" aria-busy={users.isFetching}>
            <UsersTable
              users={page.items}
              meId={me.id}
              actions={{
                onRoles: (user) => setDialog({ kind: 'roles', user }),
                onEdit: (user) => setDialog({ kind: 'edit', user }),
                onToggleDisabled: toggleDisabled,
                onDelete: (user) => {
                  remove.reset();
                  setDialog({ kind: 'delete', user });
                },
              }}
            />
          </div>
        )
      ) : null}
      {page ? (
        <Pager
          label={t('users.pages')}
          prevCursor={page.prevCursor}
          nextCursor={page.nextCursor}
          onPage={setCursor}
        />
      ) : null}

      {dialog?.kind === 'create' ? (
        <AuditorDialog onClose={() => setDialog(null)} onSaved={(name) => done({ kind: 'created', name })} />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <AuditorDialog
          user={dialog.user}
          onClose={() => setDialog(null)}
          onSaved={(name) => done({ kind: 'saved', name })}
        />
      ) : null}
      {dialog?.kind === 'roles' ? (
        <RolesDialog
          user={dialog.user}
          onClose={() => setDialog(null)}
          onSaved={() => done({ kind: 'rolesSaved', name: dialog.user.name })}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmDialog
          title={t('users.deleteTitle', { name: dialog.user.name })}
          message={t('users.deleteMessage', { name: dialog.user.name, email: dialog.user.email })}
          confirmLabel={t('common.delete')}
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setDialog(null)}
          onConfirm={() =>
            remove.mutate(dialog.user.id, {
              onSuccess: () => done({ kind: 'deleted', name: dialog.user.name }),
            })
          }
        />
      ) : null}
    </section>
  );
}
