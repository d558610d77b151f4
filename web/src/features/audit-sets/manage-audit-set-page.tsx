/**
 * Managing a set (owner, co-owner, audit admin): name and description, collaborators and groups,
 * ownership transfer, and — for the owner and audit admins — deleting it (restorable for 30 days).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { Loading } from '../../ui/loading.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { setPermissions, useAuditSet, useDeleteSet, useSetCollaborators } from './audit-sets-api.ts';
import { SetCollaboratorsForm } from './set-collaborators-form.tsx';
import { SetDetailsForm } from './set-details-form.tsx';
import { TransferOwnership } from './transfer-ownership.tsx';

export function ManageAuditSetPage() {
  const { setId = '' } = useParams();
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const set = useAuditSet(setId);
  const people = useSetCollaborators(setId);
  const remove = useDeleteSet();
  const [deleting, setDeleting] = useState(false);

  if (set.isPending || people.isPending) return <Loading />;
  if (set.isError || people.isError) {
    return (
      <section className="page">
        <PageHeading>{t('sets.notAvailable')}</PageHeading>
        <ErrorAlert error={set.error ?? people.error} />
        <Link to="/audit-sets">{t('sets.backToList')}</Link>
      </section>
    );
  }
  const s = set.data;
  const may = setPermissions(me, s);

  return (
    <section className="page narrow-page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/audit-sets/${s.id}`}>{s.name}</Link>
      </p>
      <PageHeading>{t('manage.title', { name: s.name })}</PageHeading>
      {may.editSet ? (
        <>
          <SetDetailsForm key={s.updatedAt} set={s} />
          <SetCollaboratorsForm set={s} saved={people.data} />
          <TransferOwnership set={s} saved={people.data} />
        </>
      ) : (
        <p className="alert alert-error">{t('manage.notAllowed')}</p>
      )}
      {may.delete ? (
        <section className="panel danger-zone" aria-labelledby="set-delete-title">
          <h2 id="set-delete-title">{t('manage.deleteTitle')}</h2>
          <p>{t('manage.deleteExplanation')}</p>
          <button
            type="button"
            className="button danger"
            onClick={() => {
              remove.reset();
              setDeleting(true);
            }}
          >
            {t('manage.delete')}
          </button>
        </section>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={t('manage.deleteConfirmTitle', { name: s.name })}
          message={t('manage.deleteConfirmMessage')}
          confirmLabel={t('manage.delete')}
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setDeleting(false)}
          onConfirm={() =>
            remove.mutate(s.id, {
              onSuccess: () => navigate('/audit-sets', { state: { deleted: s.name } }),
            })
          }
        />
      ) : null}
    </section>
  );
}
