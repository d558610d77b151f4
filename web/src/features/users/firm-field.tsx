/**
 * The auditor firm of an external auditor, picked from the organisation's list
 * (`GET /api/v1/organizations`); "Add firm" puts a new one on the list and selects it.
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/error-alert.tsx';
import { useAddFirm, useAuditorFirms } from './users-api.ts';

export function FirmField({ value, onChange }: { value: string; onChange: (firm: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const firms = useAuditorFirms();
  const addFirm = useAddFirm();
  const [adding, setAdding] = useState(false);
  const [newFirm, setNewFirm] = useState('');

  const names = (firms.data ?? []).map((f) => f.name);
  if (value && !names.includes(value)) names.push(value);

  function add() {
    const name = newFirm.trim();
    if (!name) return;
    addFirm.mutate(name, {
      onSuccess: (firm) => {
        onChange(firm.name);
        setAdding(false);
        setNewFirm('');
      },
    });
  }

  return (
    <div className="field">
      <label htmlFor={id}>{t('fields.auditorFirm')}</label>
      <div className="inline-group">
        <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
          <option value="">{t('users.noFirm')}</option>
          {names.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        {adding ? null : (
          <button type="button" className="button secondary" onClick={() => setAdding(true)}>
            {t('users.addFirm')}
          </button>
        )}
      </div>
      {firms.isError ? <ErrorAlert error={firms.error} /> : null}
      {adding ? (
        <div className="subpanel">
          <label htmlFor={`${id}-new`}>{t('users.newFirmName')}</label>
          <div className="inline-group">
            <input
              id={`${id}-new`}
              value={newFirm}
              maxLength={64}
              onChange={(event) => setNewFirm(event.target.value)}
              onKeyDown={(event) => {
                // Inside the auditor form, Enter adds the firm instead of submitting the form.
                if (event.key === 'Enter') {
                  event.preventDefault();
                  add();
                }
              }}
            />
            <button type="button" className="button secondary" onClick={add} disabled={addFirm.isPending}>
              {t('users.addFirmConfirm')}
            </button>
            <button type="button" className="button link" onClick={() => setAdding(false)}>
              {t('common.cancel')}
            </button>
          </div>
          <ErrorAlert error={addFirm.error} />
        </div>
      ) : null}
    </div>
  );
}
