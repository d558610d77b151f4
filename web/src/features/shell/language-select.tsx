/**
 * The language switch. Signed out, it changes this browser's language; signed in, it also saves the
 * choice on the account (`PATCH /api/v1/me`), which then applies at every sign-in.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Me } from '../../api/api-types.ts';
import { api } from '../../api/typed-api.ts';
import { changeLanguage, currentLanguage } from '../../i18n/i18n-setup.ts';
import { isLanguage, LANGUAGES, type LanguageCode } from '../../i18n/languages.ts';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { ME_QUERY_KEY, useMe } from '../session/session-api.ts';

export function useSaveLanguage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (language: LanguageCode) => api.patch('/api/v1/me', { body: { language } }),
    onSuccess: (user) =>
      queryClient.setQueryData<Me | null>(ME_QUERY_KEY, (me) => (me ? { ...me, ...user } : me)),
  });
}

export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const me = useMe();
  const save = useSaveLanguage();
  const signedIn = Boolean(me.data);

  function choose(value: string) {
    if (!isLanguage(value) || value === currentLanguage()) return;
    void changeLanguage(value);
    if (signedIn) save.mutate(value);
  }

  return (
    <div className={compact ? 'language-select compact' : 'language-select field'}>
      <label htmlFor={id}>{t('common.language')}</label>
      <select id={id} value={i18n.language} onChange={(event) => choose(event.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
      {save.error ? <ErrorAlert error={save.error} /> : null}
    </div>
  );
}
