/** The audit groups assigned to a set: every member of a checked group reviews the set. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { useAuditGroups } from '../audit-groups/audit-groups-api.ts';

export function GroupsPicker({
  selected,
  onChange,
}: {
  selected: string[];
  onChange: (ids: string[]) => void;
}) {
  const { t } = useTranslation();
  const groups = useAuditGroups();
  return (
    <fieldset>
      <legend>{t('sets.groups')}</legend>
      <p className="hint">{t('sets.groupsHint')}</p>
      {groups.isPending ? <Loading /> : null}
      <ErrorAlert error={groups.error} />
      {groups.data?.length === 0 ? (
        <p className="muted">
          {t('sets.noGroups')} <Link to="/audit-groups">{t('sets.manageGroups')}</Link>
        </p>
      ) : null}
      {(groups.data ?? []).map((g) => (
        <label key={g.id} className="check">
          <input
            type="checkbox"
            checked={selected.includes(g.id)}
            onChange={(event) =>
              onChange(event.target.checked ? [...selected, g.id] : selected.filter((id) => id !== g.id))
            }
          />
          <span>
            {g.name}{' '}
            <span className="hint block">
              {g.members.length === 0 ? t('groups.noMembers') : g.members.map((m) => m.name).join(', ')}
            </span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}
