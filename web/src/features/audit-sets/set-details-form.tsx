/** Rename or describe a set (owner, co-owner, audit admin). */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditSet } from '../../api/api-types.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { TextAreaField } from '../../ui/text-area-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useUpdateSet } from './audit-sets-api.ts';

export function SetDetailsForm({ set }: { set: AuditSet }) {
  const { t } = useTranslation();
  const [name, setName] = useState(set.name);
  const [description, setDescription] = useState(set.description);
  const update = useUpdateSet(set.id);

  function submit(event: FormEvent) {
    event.preventDefault();
    const changes: { name?: string; description?: string } = {};
    if (name.trim() !== set.name) changes.name = name.trim();
    if (description.trim() !== set.description) changes.description = description.trim();
    update.mutate(changes);
  }

  return (
    <section className="panel" aria-labelledby="set-details-title">
      <h2 id="set-details-title">{t('manage.detailsTitle')}</h2>
      <form className="form" onSubmit={submit}>
        <TextField
          label={t('fields.setName')}
          hint={t('fields.setNameHint')}
          required
          maxLength={64}
          value={name}
          onChange={setName}
        />
        <TextAreaField
          label={t('fields.description')}
          maxLength={1000}
          value={description}
          onChange={setDescription}
        />
        <ErrorAlert error={update.error} />
        <StatusMessage message={update.isSuccess ? t('manage.detailsSaved') : null} />
        <div className="actions start">
          <button type="submit" className="button primary" disabled={update.isPending}>
            {update.isPending ? t('common.working') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
