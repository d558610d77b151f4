/** Hand the set to one of its co-owners; the current owner becomes a co-owner (product.md F5.2). */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditSet, SetCollaborators } from '../../api/api-types.ts';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { SelectField } from '../../ui/select-field.tsx';
import { StatusMessage } from '../../ui/status-message.tsx';
import { useTransferOwner } from './audit-sets-api.ts';

export function TransferOwnership({ set, saved }: { set: AuditSet; saved: SetCollaborators }) {
  const { t } = useTranslation();
  const coOwners = saved.collaborators.filter((c) => c.role === 'CO_OWNER');
  const [target, setTarget] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const transfer = useTransferOwner(set.id);
  const chosen = coOwners.find((c) => c.id === target);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    transfer.reset();
    setConfirming(true);
  }

  return (
    <section className="panel" aria-labelledby="set-owner-title">
      <h2 id="set-owner-title">{t('manage.ownerTitle')}</h2>
      <p>{t('manage.ownerNow', { name: set.owner?.name ?? t('sets.noOwner') })}</p>
      <StatusMessage message={done ? t('manage.ownerChanged', { name: done }) : null} />
      {coOwners.length === 0 ? (
        <p className="muted">{t('manage.noCoOwners')}</p>
      ) : (
        <form className="form" onSubmit={submit}>
          <SelectField
            label={t('manage.newOwner')}
            hint={t('manage.newOwnerHint')}
            value={target}
            onChange={setTarget}
            options={[
              { value: '', label: t('manage.chooseCoOwner') },
              ...coOwners.map((c) => ({ value: c.id, label: `${c.name} (${c.email})` })),
            ]}
          />
          <div className="actions start">
            <button type="submit" className="button secondary" disabled={!chosen}>
              {t('manage.transfer')}
            </button>
          </div>
        </form>
      )}
      {confirming && chosen ? (
        <ConfirmDialog
          title={t('manage.transferTitle', { name: chosen.name })}
          message={t('manage.transferMessage', { name: chosen.name, set: set.name })}
          confirmLabel={t('manage.transfer')}
          pending={transfer.isPending}
          error={transfer.error}
          onClose={() => setConfirming(false)}
          onConfirm={() =>
            transfer.mutate(chosen.id, {
              onSuccess: () => {
                setConfirming(false);
                setDone(chosen.name);
                setTarget('');
              },
            })
          }
        />
      ) : null}
    </section>
  );
}
