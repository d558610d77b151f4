/**
 * Collaborators of a set by role — co-owners from the audit admins, members from the general users,
 * reviewers from the external auditors — and the audit groups assigned to it (product.md §2, F5.2).
 */
import { useTranslation } from 'react-i18next';
import type { Person, Role, SetRole } from '../../api/api-types.ts';
import { PersonPicker } from '../users/person-picker.tsx';
import { GroupsPicker } from './groups-picker.tsx';

export type PickedRole = Exclude<SetRole, 'OWNER'>;
export interface PickedCollaborator extends Person {
  role: PickedRole;
}

export interface CollaboratorsValue {
  collaborators: PickedCollaborator[];
  groups: string[];
}

const ROLE_SOURCES: { role: PickedRole; from: Role }[] = [
  { role: 'CO_OWNER', from: 'AUDIT_ADMIN' },
  { role: 'MEMBER', from: 'GENERAL_USER' },
  { role: 'REVIEWER', from: 'EXTERNAL_AUDITOR' },
];

export function CollaboratorsEditor({
  value,
  onChange,
  ownerId,
}: {
  value: CollaboratorsValue;
  onChange: (v: CollaboratorsValue) => void;
  ownerId: string | null;
}) {
  const { t } = useTranslation();
  return (
    <div className="collaborators-editor">
      {ROLE_SOURCES.map(({ role, from }) => {
        const mine = value.collaborators.filter((c) => c.role === role);
        const others = value.collaborators.filter((c) => c.role !== role).map((c) => c.id);
        return (
          <PersonPicker
            key={role}
            legend={t(`setRolesPlural.${role}`)}
            hint={t(`setRoleHints.${role}`)}
            eligible={from}
            selected={mine}
            excluded={[...(ownerId ? [ownerId] : []), ...others]}
            onChange={(people) =>
              onChange({
                ...value,
                collaborators: [
                  ...value.collaborators.filter((c) => c.role !== role),
                  ...people.map((p) => ({ id: p.id, name: p.name, email: p.email, role })),
                ],
              })
            }
          />
        );
      })}
      <GroupsPicker selected={value.groups} onChange={(groups) => onChange({ ...value, groups })} />
    </div>
  );
}
