/** "Are you sure?" for destructive actions, with the API's answer shown if the action fails. */
import { useTranslation } from 'react-i18next';
import { Dialog } from './dialog.tsx';
import { ErrorAlert } from './error-alert.tsx';

export interface ConfirmDialogProps {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  pending: boolean;
  error: unknown;
}

export function ConfirmDialog(p: ConfirmDialogProps) {
  const { t } = useTranslation();
  return (
    <Dialog title={p.title} onClose={p.onClose} size="small">
      <p>{p.message}</p>
      <ErrorAlert error={p.error} />
      <div className="actions">
        <button type="button" className="button secondary" onClick={p.onClose}>
          {t('common.cancel')}
        </button>
        <button type="button" className="button danger" onClick={p.onConfirm} disabled={p.pending}>
          {p.pending ? t('common.working') : p.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
