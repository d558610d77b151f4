/**
 * Create or edit an external auditor. A new auditor either gets an emailed invitation to set their
 * own password (the default) or an initial password given here.
 */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, User } from '../../api/api-types.ts';
import { LANGUAGES } from '../../i18n/languages.ts';
import { Dialog } from '../../ui/dialog.tsx';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { FirmField } from './firm-field.tsx';
import { type UserChanges, useCreateAuditor, useUpdateUser } from './users-api.ts';

export interface AuditorDialogProps {
  /** The auditor to edit; undefined to create one. */
  user?: User;
  onClose: () => void;
  onSaved: (name: string) => void;
}

export function AuditorDialog({ user, onClose, onSaved }: AuditorDialogProps) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState(user?.name ?? '');
  const [email, setEmail] = useState(user?.email ?? '');
  const [firm, setFirm] = useState(user?.auditorFirm ?? '');
  const [language, setLanguage] = useState<Language>(
    user?.language ?? (i18n.language === 'ja' ? 'ja' : 'en'),
  );
  const [setup, setSetup] = useState<'invite' | 'password'>('invite');
  const [password, setPassword] = useState('');
  const create = useCreateAuditor();
  const update = useUpdateUser();
  const mutation = user ? update : create;

  function submit(event: FormEvent) {
    event.preventDefault();
    const done = { onSuccess: () => onSaved(name.trim()) };
    if (!user) {
      create.mutate(
        {
          name: name.trim(),
          email: email.trim(),
          auditorFirm: firm || null,
          language,
          password: setup === 'password' ? password : undefined,
        },
        done,
      );
      return;
    }
    const changes: UserChanges = {};
    if (name.trim() !== user.name) changes.name = name.trim();
    if (email.trim() !== user.email) changes.email = email.trim();
    if ((firm || null) !== user.auditorFirm) changes.auditorFirm = firm || null;
    if (language !== user.language) changes.language = language;
    update.mutate({ id: user.id, changes }, done);
  }

  return (
    <Dialog
      title={user ? t('users.editAuditorTitle', { name: user.name }) : t('users.newAuditorTitle')}
      description={user ? undefined : t('users.newAuditorDescription')}
      onClose={onClose}
    >
      <form onSubmit={submit} className="form">
        <TextField
          label={t('fields.name')}
          required
          maxLength={64}
          autoComplete="off"
          value={name}
          onChange={setName}
        />
        <TextField
          label={t('fields.email')}
          type="email"
          required
          maxLength={254}
          autoComplete="off"
          value={email}
          onChange={setEmail}
        />
        <FirmField value={firm} onChange={setFirm} />
        <SelectField
          label={t('users.emailLanguage')}
          hint={t('users.emailLanguageHint')}
          value={language}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.name }))}
          onChange={(v) => setLanguage(v === 'ja' ? 'ja' : 'en')}
        />
        {user ? null : (
          <fieldset>
            <legend>{t('users.passwordSetup')}</legend>
            <label className="check">
              <input
                type="radio"
                name="password-setup"
                checked={setup === 'invite'}
                onChange={() => setSetup('invite')}
              />
              <span>{t('users.sendInvitation')}</span>
            </label>
            <label className="check">
              <input
                type="radio"
                name="password-setup"
                checked={setup === 'password'}
                onChange={() => setSetup('password')}
              />
              <span>{t('users.setInitialPassword')}</span>
            </label>
            {setup === 'password' ? (
              <TextField
                label={t('fields.initialPassword')}
                hint={t('fields.passwordPolicy')}
                type="password"
                autoComplete="new-password"
                required
                maxLength={1024}
                value={password}
                onChange={setPassword}
              />
            ) : null}
          </fieldset>
        )}
        <ErrorAlert error={mutation.error} />
        <div className="actions">
          <button type="button" className="button secondary" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button primary" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : user ? t('common.save') : t('users.createAuditor')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
