/**
 * Audit groups (audit admins): named groups of external auditors, assignable to audit sets; changing
 * a group's members changes access to every set it is assigned to. External auditors themselves are
 * created on the users page.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AuditGroup } from '../../api/api-types.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { formatNumber } from '../../ui/format.ts';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useAuditGroups, useDeleteGroup } from './audit-groups-api.ts';
import { GroupDialog } from './group-dialog.tsx';

const NOTICES = {
  created: 'groups.createdMessage',
  saved: 'groups.savedMessage',
  deleted: 'groups.deletedMessage',
} as const;

type OpenDialog =
  | { kind: 'create' }
  | { kind: 'edit'; group: AuditGroup }
  | { kind: 'delete'; group: AuditGroup };

export function AuditGroupsPage() {
  const { t, i18n } = useTranslation();
  const groups = useAuditGroups();
  const remove = useDeleteGroup();
  const [dialog, setDialog] = useState<OpenDialog | null>(null);
  const [notice, setNotice] = useState<{ kind: keyof typeof NOTICES; name: string } | null>(null);

  function done(kind: keyof typeof NOTICES, name: string) {
    setDialog(null);
    setNotice({ kind, name });
  }

  return (
    <section className="page">
      <div className="page-title-row">
        <PageHeading>{t('groups.title')}</PageHeading>
        <button
          type="button"
          className="button primary"
          onClick={() => {
            setNotice(null);
            setDialog({ kind: 'create' });
          }}
        >
          {t('groups.new')}
        </button>
      </div>
      <p className="muted">
        {t('groups.intro')} <Link to="/users?kind=external">{t('groups.auditorsLink')}</Link>
      </p>
      <StatusMessage message={notice ? t(NOTICES[notice.kind], { name: notice.name }) : null} />
      <ErrorAlert error={groups.error} />
      {groups.isPending ? <Loading /> : null}
      {groups.data?.length === 0 ? <p className="empty">{t('groups.none')}</p> : null}
      {groups.data && groups.data.length > 0 ? (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">{t('groups.tableCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('fields.name')}</th>
                <th scope="col">{t('groups.members')}</th>
                <th scope="col">{t('groups.sets')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.id}>
                  <th scope="row" data-label={t('fields.name')}>
                    {g.name}
                    {g.description ? <span className="hint block">{g.description}</span> : null}
                  </th>
                  <td data-label={t('groups.members')} className="break">
                    {g.members.length === 0 ? t('groups.noMembers') : g.members.map((m) => m.name).join(', ')}
                  </td>
                  <td data-label={t('groups.sets')}>{formatNumber(g.setCount, i18n.language)}</td>
                  <td data-label={t('common.actions')}>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="button small secondary"
                        onClick={() => setDialog({ kind: 'edit', group: g })}
                      >
                        {t('common.edit')}
                        <span className="visually-hidden">: {g.name}</span>
                      </button>
                      <button
                        type="button"
                        className="button small danger"
                        onClick={() => {
                          remove.reset();
                          setDialog({ kind: 'delete', group: g });
                        }}
                      >
                        {t('common.delete')}
                        <span className="visually-hidden">: {g.name}</span>
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {dialog?.kind === 'create' ? (
        <GroupDialog onClose={() => setDialog(null)} onSaved={(name) => done('created', name)} />
      ) : null}
      {dialog?.kind === 'edit' ? (
        <GroupDialog
          group={dialog.group}
          onClose={() => setDialog(null)}
          onSaved={(name) => done('saved', name)}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <ConfirmDialog
          title={t('groups.deleteTitle', { name: dialog.group.name })}
          message={t('groups.deleteMessage', { sets: formatNumber(dialog.group.setCount, i18n.language) })}
          confirmLabel={t('common.delete')}
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setDialog(null)}
          onConfirm={() =>
            remove.mutate(dialog.group.id, { onSuccess: () => done('deleted', dialog.group.name) })
          }
        />
      ) : null}
    </section>
  );
}
