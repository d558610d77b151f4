/**
 * Audit sets as cards: name (opens the set), description, owner, the user's role, item count, for
 * external auditors NEW / IN REVIEW, a favourite toggle; deleted sets show when and offer a restore.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AuditSet } from '../../api/api-types.ts';
import { formatDateTime, formatNumber } from '../../ui/format.ts';
import { setRoleLabel } from './set-labels.ts';

export interface SetCardActions {
  onFavourite: (set: AuditSet) => void;
  onRestore: (set: AuditSet) => void;
}

export function AuditSetCards({
  sets,
  actions,
  busy,
}: {
  sets: AuditSet[];
  actions: SetCardActions;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="set-cards" aria-busy={busy}>
      {sets.map((s) => (
        <li key={s.id} className="set-card">
          <div className="set-card-title">
            <h2 className="section-title">
              {s.deletedAt ? s.name : <Link to={`/audit-sets/${s.id}`}>{s.name}</Link>}
            </h2>
            {s.accessStatus ? (
              <span className={s.accessStatus === 'NEW' ? 'badge badge-new' : 'badge badge-muted'}>
                {t(`sets.accessStatus.${s.accessStatus}`)}
              </span>
            ) : null}
          </div>
          {s.description ? <p className="set-description">{s.description}</p> : null}
          <dl className="facts compact">
            <div>
              <dt>{t('sets.owner')}</dt>
              <dd>{s.owner?.name ?? t('sets.noOwner')}</dd>
            </div>
            <div>
              <dt>{t('sets.myRole')}</dt>
              <dd>{s.myRole ? setRoleLabel(t, s.myRole) : t('sets.adminAccess')}</dd>
            </div>
            <div>
              <dt>{t('sets.items')}</dt>
              <dd>{formatNumber(s.itemCount, i18n.language)}</dd>
            </div>
            {s.deletedAt ? (
              <div>
                <dt>{t('sets.deletedAt')}</dt>
                <dd>{formatDateTime(s.deletedAt, i18n.language)}</dd>
              </div>
            ) : null}
          </dl>
          <div className="row-actions">
            {s.deletedAt ? (
              <button type="button" className="button small secondary" onClick={() => actions.onRestore(s)}>
                {t('sets.restore')}
                <span className="visually-hidden">: {s.name}</span>
              </button>
            ) : (
              <button
                type="button"
                className="button small secondary"
                aria-pressed={s.favourite}
                onClick={() => actions.onFavourite(s)}
              >
                <span aria-hidden="true">{s.favourite ? '★' : '☆'}</span> {t('sets.favourite')}
                <span className="visually-hidden">: {s.name}</span>
              </button>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
