/**
 * The users list. On narrow screens each row becomes a card (labels come from data-label), so the
 * page never scrolls sideways.
 */
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/api-types.ts';
import { formatDateTime } from '../../ui/format.ts';
import { kindLabel, roleLabel } from './user-labels.ts';

export interface UserRowActions {
  onRoles: (user: User) => void;
  onEdit: (user: User) => void;
  onToggleDisabled: (user: User) => void;
  onDelete: (user: User) => void;
}

export function UsersTable({
  users,
  meId,
  actions,
}: {
  users: User[];
  meId: string;
  actions: UserRowActions;
}) {
  const { t, i18n } = useTranslation();
  return (
    <table className="data-table">
      <caption className="visually-hidden">{t('users.tableCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('fields.name')}</th>
          <th scope="col">{t('fields.email')}</th>
          <th scope="col">{t('users.kind')}</th>
          <th scope="col">{t('users.roles')}</th>
          <th scope="col">{t('fields.auditorFirm')}</th>
          <th scope="col">{t('users.status')}</th>
          <th scope="col">{t('users.lastSignIn')}</th>
          <th scope="col">{t('common.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => {
          const self = u.id === meId;
          return (
            <tr key={u.id}>
              <th scope="row" data-label={t('fields.name')}>
                {u.name}
                {self ? <span className="tag">{t('users.you')}</span> : null}
              </th>
              <td data-label={t('fields.email')} className="break">
                {u.email}
              </td>
              <td data-label={t('users.kind')}>{kindLabel(t, u.kind)}</td>
              <td data-label={t('users.roles')}>{u.roles.map((r) => roleLabel(t, r)).join(', ')}</td>
              <td data-label={t('fields.auditorFirm')}>{u.auditorFirm ?? ''}</td>
              <td data-label={t('users.status')}>
                <span className={u.disabled ? 'badge badge-muted' : 'badge badge-ok'}>
                  {u.disabled ? t('users.disabled') : t('users.active')}
                </span>
              </td>
              <td data-label={t('users.lastSignIn')}>
                {u.lastLoginAt ? formatDateTime(u.lastLoginAt, i18n.language) : t('users.never')}
              </td>
              <td data-label={t('common.actions')}>
                <div className="row-actions">
                  {u.kind === 'external' ? (
                    <>
                      <button
                        type="button"
                        className="button small secondary"
                        onClick={() => actions.onEdit(u)}
                      >
                        {t('common.edit')}
                        <span className="visually-hidden">: {u.name}</span>
                      </button>
                      <button
                        type="button"
                        className="button small secondary"
                        onClick={() => actions.onToggleDisabled(u)}
                      >
                        {u.disabled ? t('users.enable') : t('users.disable')}
                        <span className="visually-hidden">: {u.name}</span>
                      </button>
                      <button
                        type="button"
                        className="button small danger"
                        onClick={() => actions.onDelete(u)}
                      >
                        {t('common.delete')}
                        <span className="visually-hidden">: {u.name}</span>
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="button small secondary"
                      onClick={() => actions.onRoles(u)}
                    >
                      {t('users.changeRoles')}
                      <span className="visually-hidden">: {u.name}</span>
                    </button>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
