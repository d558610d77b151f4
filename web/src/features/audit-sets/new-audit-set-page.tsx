/** Create an audit set (audit admins): name, description, collaborators by role, audit groups. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { PageHeading } from '../../ui/page-heading.tsx';
import { TextAreaField } from '../../ui/text-area-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { useCreateSet } from './audit-sets-api.ts';
import { CollaboratorsEditor, type CollaboratorsValue } from './collaborators-editor.tsx';
import type { SetNotice } from './set-notice.ts';

export function NewAuditSetPage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const navigate = useNavigate();
  const create = useCreateSet();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [people, setPeople] = useState<CollaboratorsValue>({ collaborators: [], groups: [] });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        description: description.trim(),
        collaborators: people.collaborators.map((c) => ({ userId: c.id, role: c.role })),
        groups: people.groups,
      },
      {
        onSuccess: (set) =>
          navigate(`/audit-sets/${set.id}`, {
            state: { notice: { key: 'sets.createdMessage', name: set.name } satisfies SetNotice },
          }),
      },
    );
  }

  return (
    <section className="page narrow-page">
      <p className="breadcrumbs">
        <Link to="/audit-sets">{t('sets.title')}</Link>
      </p>
      <PageHeading>{t('sets.newTitle')}</PageHeading>
      <p className="muted">{t('sets.newIntro')}</p>
      <form className="form panel" onSubmit={submit}>
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
        <h2 className="section-title">{t('sets.collaborators')}</h2>
        <p className="hint">{t('sets.youAreOwner')}</p>
        <CollaboratorsEditor value={people} onChange={setPeople} ownerId={me.id} />
        <ErrorAlert error={create.error} />
        <div className="actions">
          <Link to="/audit-sets" className="button secondary">
            {t('common.cancel')}
          </Link>
          <button type="submit" className="button primary" disabled={create.isPending}>
            {create.isPending ? t('common.working') : t('sets.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
