/**
 * The set's collaborators and groups (owner, co-owner, audit admin). Saving replaces the whole list
 * (`PUT /collaborators`), so what is shown is exactly what is saved.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditSet, SetCollaborators } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useSaveCollaborators } from './audit-sets-api.ts';
import {
  CollaboratorsEditor,
  type CollaboratorsValue,
  type PickedCollaborator,
} from './collaborators-editor.tsx';

function editable(saved: SetCollaborators): CollaboratorsValue {
  return {
    collaborators: saved.collaborators.filter((c): c is PickedCollaborator => c.role !== 'OWNER'),
    groups: saved.groups.map((g) => g.id),
  };
}

export function SetCollaboratorsForm({ set, saved }: { set: AuditSet; saved: SetCollaborators }) {
  const { t } = useTranslation();
  const [value, setValue] = useState<CollaboratorsValue>(() => editable(saved));
  useEffect(() => setValue(editable(saved)), [saved]);
  const save = useSaveCollaborators(set.id);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({
      collaborators: value.collaborators.map((c) => ({ userId: c.id, role: c.role })),
      groups: value.groups,
    });
  }

  return (
    <section className="panel" aria-labelledby="set-people-title">
      <h2 id="set-people-title">{t('sets.collaborators')}</h2>
      <p className="hint">{t('manage.collaboratorsHint', { owner: set.owner?.name ?? t('sets.noOwner') })}</p>
      <form className="form" onSubmit={submit}>
        <CollaboratorsEditor value={value} onChange={setValue} ownerId={set.owner?.id ?? null} />
        <ErrorAlert error={save.error} />
        <StatusMessage message={save.isSuccess ? t('manage.collaboratorsSaved') : null} />
        <div className="actions start">
          <button type="submit" className="button primary" disabled={save.isPending}>
            {save.isPending ? t('common.working') : t('manage.saveCollaborators')}
          </button>
        </div>
      </form>
    </section>
  );
}
