/** Change a Box user's roles (audit admin, general user); the API's rules decide, errors are shown. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../api/api-types.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { roleLabel } from './user-labels.ts';
import { useSetRoles } from './users-api.ts';

const BOX_ROLES: readonly Role[] = ['AUDIT_ADMIN', 'GENERAL_USER'];

export function RolesDialog({
  user,
  onClose,
  onSaved,
}: {
  user: User;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [roles, setRoles] = useState<Role[]>(user.roles.filter((r) => BOX_ROLES.includes(r)));
  const setUserRoles = useSetRoles();

  function toggle(role: Role, on: boolean) {
    setRoles((current) => (on ? [...current, role] : current.filter((r) => r !== role)));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setUserRoles.mutate({ id: user.id, roles }, { onSuccess: onSaved });
  }

  return (
    <Dialog title={t('users.rolesTitle', { name: user.name })} onClose={onClose} size="small">
      <form onSubmit={submit} className="form">
        <fieldset>
          <legend>{t('users.roles')}</legend>
          {BOX_ROLES.map((role) => (
            <label key={role} className="check">
              <input
                type="checkbox"
                checked={roles.includes(role)}
                onChange={(event) => toggle(role, event.target.checked)}
              />
              <span>
                {roleLabel(t, role)}
                <span className="hint block">{t(`roleDescriptions.${role}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {user.isBoxEnterpriseAdmin ? <p className="hint">{t('users.boxAdminNote')}</p> : null}
        {roles.length === 0 ? <p className="hint">{t('users.atLeastOneRole')}</p> : null}
        <ErrorAlert error={setUserRoles.error} />
        <div className="actions">
          <button type="button" className="button secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={roles.length === 0 || setUserRoles.isPending}
          >
            {setUserRoles.isPending ? t('common.working') : t('common.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
