/** Create or edit an audit group: name, description and its external auditors. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditGroup, Person } from '../../api/api-types.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { TextAreaField } from '../../ui/text-area-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { PersonPicker } from '../users/person-picker.tsx';
import { useCreateGroup, useUpdateGroup } from './audit-groups-api.ts';

export function GroupDialog({
  group,
  onClose,
  onSaved,
}: {
  group?: AuditGroup;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [members, setMembers] = useState<Person[]>(group?.members ?? []);
  const create = useCreateGroup();
  const update = useUpdateGroup();
  const mutation = group ? update : create;

  function submit(event: FormEvent) {
    event.preventDefault();
    const input = { name: name.trim(), description: description.trim(), memberIds: members.map((m) => m.id) };
    const done = { onSuccess: () => onSaved(input.name) };
    if (group) update.mutate({ id: group.id, group: input }, done);
    else create.mutate(input, done);
  }

  return (
    <Dialog
      title={group ? t('groups.editTitle', { name: group.name }) : t('groups.newTitle')}
      description={t('groups.dialogDescription')}
      onClose={onClose}
    >
      <form className="form" onSubmit={submit}>
        <TextField label={t('fields.name')} required maxLength={64} value={name} onChange={setName} />
        <TextAreaField
          label={t('fields.description')}
          maxLength={1000}
          value={description}
          onChange={setDescription}
        />
        <PersonPicker
          legend={t('groups.members')}
          eligible="EXTERNAL_AUDITOR"
          selected={members}
          onChange={setMembers}
        />
        <ErrorAlert error={mutation.error} />
        <div className="actions">
          <button type="button" className="button secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button primary" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : group ? t('common.save') : t('groups.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
