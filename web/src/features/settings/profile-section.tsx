/** Name and language of the signed-in user, and what the account is (read-only). */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../api/api-types.ts';
import { changeLanguage } from '../../i18n/i18n-setup.ts';
import { LANGUAGES } from '../../i18n/languages.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { useCurrentUser } from '../session/session-api.ts';
import { kindLabel, roleLabel } from '../users/user-labels.ts';
import { useUpdateProfile } from './settings-api.ts';

export function ProfileSection() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const [name, setName] = useState(me.name);
  // Undefined until changed here, so a switch in the header is never undone by saving this form.
  const [language, setLanguage] = useState<Language | undefined>();
  const update = useUpdateProfile();

  function submit(event: FormEvent) {
    event.preventDefault();
    const changes = {
      ...(name.trim() !== me.name ? { name: name.trim() } : {}),
      ...(language && language !== me.language ? { language } : {}),
    };
    update.mutate(changes, {
      onSuccess: (user) => {
        setLanguage(undefined);
        void changeLanguage(user.language);
      },
    });
  }

  return (
    <section className="panel" aria-labelledby="profile-title">
      <h2 id="profile-title">{t('settings.profile')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('fields.email')}</dt>
          <dd className="break">{me.email}</dd>
        </div>
        <div>
          <dt>{t('settings.organization')}</dt>
          <dd>{me.organization.name}</dd>
        </div>
        <div>
          <dt>{t('users.kind')}</dt>
          <dd>{kindLabel(t, me.kind)}</dd>
        </div>
        <div>
          <dt>{t('users.roles')}</dt>
          <dd>{me.roles.map((r) => roleLabel(t, r)).join(', ')}</dd>
        </div>
      </dl>
      <form onSubmit={submit} className="form">
        <TextField
          label={t('fields.name')}
          required
          maxLength={64}
          autoComplete="name"
          value={name}
          onChange={setName}
        />
        <SelectField
          label={t('common.language')}
          value={language ?? me.language}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.name }))}
          onChange={(v) => setLanguage(v === 'ja' ? 'ja' : 'en')}
        />
        <StatusMessage message={update.isSuccess ? t('settings.saved') : null} />
        <ErrorAlert error={update.error} />
        <div className="actions start">
          <button type="submit" className="button primary" disabled={update.isPending}>
            {update.isPending ? t('common.working') : t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
