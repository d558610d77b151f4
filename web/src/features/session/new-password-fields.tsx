/** "New password" and "Repeat the new password", with the policy as a hint. */
import { useTranslation } from 'react-i18next';
import { TextField } from '../../ui/text-field.tsx';

export function passwordsMatch(password: string, confirmation: string): boolean {
  return password === confirmation;
}

export interface NewPasswordFieldsProps {
  password: string;
  confirmation: string;
  onPassword: (value: string) => void;
  onConfirmation: (value: string) => void;
  mismatch: boolean;
}

export function NewPasswordFields(p: NewPasswordFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        label={t('fields.newPassword')}
        hint={t('fields.passwordPolicy')}
        type="password"
        autoComplete="new-password"
        required
        maxLength={1024}
        value={p.password}
        onChange={p.onPassword}
      />
      <TextField
        label={t('fields.repeatPassword')}
        type="password"
        autoComplete="new-password"
        required
        maxLength={1024}
        value={p.confirmation}
        onChange={p.onConfirmation}
        aria-invalid={p.mismatch || undefined}
      />
      <div role="alert" className={p.mismatch ? 'alert alert-error' : 'alert-empty'}>
        {p.mismatch ? t('fields.passwordsDiffer') : ''}
      </div>
    </>
  );
}
